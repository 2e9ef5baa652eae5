// A user's notification policy (Mastodon 4.3's NotificationPolicy): for each kind of sender,
// whether their notifications are accepted, filtered (kept aside, grouped into requests) or
// dropped. No row means Mastodon's defaults. The summary counts what waits in the requests.
import type { PolicyAction } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { validation } from "../errors.ts";
import { pendingMention } from "./requests.ts";

export type PolicyRule =
  | "for_not_following"
  | "for_not_followers"
  | "for_new_accounts"
  | "for_private_mentions"
  | "for_limited_accounts";

export const POLICY_RULES: readonly PolicyRule[] = [
  "for_not_following",
  "for_not_followers",
  "for_new_accounts",
  "for_private_mentions",
  "for_limited_accounts",
];

export const POLICY_ACTIONS: readonly PolicyAction[] = ["accept", "filter", "drop"];

export type NotificationPolicy = Record<PolicyRule, PolicyAction>;

/** Mastodon's defaults: unsolicited private mentions and limited accounts are filtered. */
export const DEFAULT_POLICY: Readonly<NotificationPolicy> = {
  for_not_following: "accept",
  for_not_followers: "accept",
  for_new_accounts: "accept",
  for_private_mentions: "filter",
  for_limited_accounts: "filter",
};

/** Mastodon counts at most this many pending requests. */
const MAX_MEANINGFUL_COUNT = 100;

export interface PolicySummary {
  pendingRequests: number;
  pendingNotifications: number;
}

export async function getPolicy(ctx: Context, accountId: string): Promise<NotificationPolicy> {
  const row = await ctx.db.kysely
    .selectFrom("notification_policies")
    .select(POLICY_RULES)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  return row ? { ...row } : { ...DEFAULT_POLICY };
}

/** Changes the given rules (others keep their value); unknown actions are a 422. */
export async function updatePolicy(
  ctx: Context,
  accountId: string,
  changes: Partial<Record<PolicyRule, string>>,
): Promise<NotificationPolicy> {
  const policy = await getPolicy(ctx, accountId);
  for (const rule of POLICY_RULES) {
    const value = changes[rule];
    if (value === undefined) continue;
    if (!POLICY_ACTIONS.includes(value as PolicyAction))
      throw validation(`Validation failed: '${value}' is not a valid ${rule}`);
    policy[rule] = value as PolicyAction;
  }
  const now = new Date().toISOString();
  await ctx.db.kysely
    .insertInto("notification_policies")
    .values({ account_id: accountId, ...policy, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column("account_id").doUpdateSet({ ...policy, updated_at: now }))
    .execute();
  return policy;
}

/** Pending requests (capped at 100, as Mastodon) and the filtered mentions they hold. */
export async function policySummary(ctx: Context, accountId: string): Promise<PolicySummary> {
  const senders = (
    await ctx.db.kysely
      .selectFrom("notification_requests as r")
      .innerJoin("accounts as ra", "ra.id", "r.from_account_id")
      .select("r.from_account_id")
      .where("r.account_id", "=", accountId)
      .where("ra.suspended_at", "is", null)
      .where(pendingMention)
      .orderBy("r.id", "desc")
      .limit(MAX_MEANINGFUL_COUNT)
      .execute()
  ).map((r) => r.from_account_id);
  if (senders.length === 0) return { pendingRequests: 0, pendingNotifications: 0 };
  const row = await ctx.db.kysely
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("account_id", "=", accountId)
    .where("filtered", "=", 1)
    .where("type", "=", "mention")
    .where("from_account_id", "in", senders)
    .executeTakeFirst();
  return { pendingRequests: senders.length, pendingNotifications: Number(row?.n ?? 0) };
}
