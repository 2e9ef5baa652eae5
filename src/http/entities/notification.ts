// The Notification entity (v1) and GroupedNotificationsResults (v2), rendered from the domain's
// notification rows and views. Statuses go through the Status renderer; a notification whose
// sender or status could not be loaded is left out rather than shown half-empty.
import type { Config } from "../../config.ts";
import type { NotificationGroup } from "../../domain/notifications/groups.ts";
import { STATUS_TYPES } from "../../domain/notifications/notify.ts";
import type { NotificationRow } from "../../domain/notifications/queries.ts";
import type { NotificationViews } from "../../domain/notifications/views.ts";
import type { StatusView } from "../../domain/statuses/views.ts";
import { renderAccount, renderPartialAccount } from "./account.ts";
import { renderAccountWarning } from "./account-warning.ts";
import { renderReport } from "./report.ts";
import { renderStatus } from "./status.ts";

export type ExpandAccounts = "full" | "partial_avatars";

export function renderNotification(
  config: Config,
  n: NotificationRow,
  views: NotificationViews,
): Record<string, unknown> | null {
  const account = n.from_account_id ? views.accounts.get(n.from_account_id) : undefined;
  if (!account) return null;
  const out: Record<string, unknown> = {
    id: n.id,
    type: n.type,
    created_at: n.created_at,
    group_key: n.group_key,
    account: renderAccount(config, account),
  };
  if (STATUS_TYPES.has(n.type)) {
    const status = views.statuses.get(n.id);
    if (!status) return null;
    out.status = renderStatus(config, status);
  }
  if (n.type === "admin.report") {
    const report = views.reports.get(n.id);
    if (!report) return null;
    out.report = renderReport(config, report);
  }
  if (n.type === "moderation_warning") {
    const warning = views.warnings.get(n.id);
    if (!warning) return null;
    out.moderation_warning = renderAccountWarning(config, warning, account);
  }
  return out;
}

export function renderNotifications(
  config: Config,
  rows: readonly NotificationRow[],
  views: NotificationViews,
): Record<string, unknown>[] {
  return rows.flatMap((n) => {
    const rendered = renderNotification(config, n, views);
    return rendered ? [rendered] : [];
  });
}

/** GroupedNotificationsResults: groups plus de-duplicated side-loaded accounts and statuses. */
export function renderGroupedNotifications(
  config: Config,
  groups: readonly NotificationGroup[],
  views: NotificationViews,
  expand: ExpandAccounts = "full",
) {
  const shown = groups.filter((g) => {
    const sender = g.notification.from_account_id;
    if (!sender || !views.accounts.has(sender)) return false;
    if (g.type === "admin.report") return views.reports.has(g.notification.id);
    if (g.type === "moderation_warning") return views.warnings.has(g.notification.id);
    return !STATUS_TYPES.has(g.type) || views.statuses.has(g.notification.id);
  });
  const statuses = new Map<string, StatusView>();
  const full: string[] = [];
  const partial: string[] = [];
  const add = (list: string[], id: string) => {
    if (!list.includes(id)) list.push(id);
  };
  for (const g of shown) {
    const status = views.statuses.get(g.notification.id);
    if (status) statuses.set(status.row.id, status);
    const samples = g.sampleAccountIds.filter((id) => views.accounts.has(id));
    if (expand === "partial_avatars") {
      if (samples[0]) add(full, samples[0]);
      for (const id of samples.slice(1)) add(partial, id);
    } else for (const id of samples) add(full, id);
  }
  const result: Record<string, unknown> = {
    accounts: full.map((id) => renderAccount(config, views.accounts.get(id)!)),
    statuses: [...statuses.values()].map((s) => renderStatus(config, s)),
    notification_groups: shown.map((g) => renderGroup(config, g, views)),
  };
  if (expand === "partial_avatars")
    result.partial_accounts = partial
      .filter((id) => !full.includes(id))
      .map((id) => renderPartialAccount(config, views.accounts.get(id)!));
  return result;
}

function renderGroup(config: Config, g: NotificationGroup, views: NotificationViews) {
  const out: Record<string, unknown> = {
    group_key: g.groupKey,
    notifications_count: g.count,
    type: g.type,
    // A string, as Mastodon's own client and masto.js read it: IDs exceed 2^53.
    most_recent_notification_id: g.mostRecentId,
  };
  if (g.page) {
    out.page_min_id = g.page.minId;
    out.page_max_id = g.mostRecentId;
    out.latest_page_notification_at = g.page.latestAt;
  }
  out.sample_account_ids = g.sampleAccountIds.filter((id) => views.accounts.has(id));
  if (STATUS_TYPES.has(g.type))
    out.status_id = views.statuses.get(g.notification.id)?.row.id ?? null;
  const report = views.reports.get(g.notification.id);
  if (report) out.report = renderReport(config, report);
  const warning = views.warnings.get(g.notification.id);
  const target = views.accounts.get(g.notification.account_id);
  if (warning && target) out.moderation_warning = renderAccountWarning(config, warning, target);
  return out;
}
