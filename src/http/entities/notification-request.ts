// The NotificationRequest entity, and the notification policy in its v2 (NotificationPolicy)
// and v1 (V1::NotificationPolicy, booleans: anything but `accept` is filtering) shapes.
import type { Config } from "../../config.ts";
import type { NotificationPolicy, PolicySummary } from "../../domain/notifications/policy.ts";
import type {
  NotificationRequestRow,
  NotificationRequestViews,
} from "../../domain/notifications/requests.ts";
import { renderAccount } from "./account.ts";
import { renderStatus } from "./status.ts";

export function renderNotificationRequest(
  config: Config,
  r: NotificationRequestRow,
  views: NotificationRequestViews,
): Record<string, unknown> | null {
  const account = views.accounts.get(r.from_account_id);
  if (!account) return null;
  const status = r.last_status_id ? views.statuses.get(r.last_status_id) : undefined;
  return {
    id: r.id,
    created_at: r.created_at,
    updated_at: r.updated_at,
    // A string, as Mastodon's serializer writes it.
    notifications_count: String(r.notifications_count),
    account: renderAccount(config, account),
    last_status: status ? renderStatus(config, status) : null,
  };
}

const summary = (s: PolicySummary) => ({
  pending_requests_count: s.pendingRequests,
  pending_notifications_count: s.pendingNotifications,
});

export function renderPolicy(policy: NotificationPolicy, s: PolicySummary) {
  return { ...policy, summary: summary(s) };
}

export function renderPolicyV1(policy: NotificationPolicy, s: PolicySummary) {
  return {
    filter_not_following: policy.for_not_following !== "accept",
    filter_not_followers: policy.for_not_followers !== "accept",
    filter_new_accounts: policy.for_new_accounts !== "accept",
    filter_private_mentions: policy.for_private_mentions !== "accept",
    summary: summary(s),
  };
}
