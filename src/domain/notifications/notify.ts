// Creating notifications. Every path that notifies someone comes through here, so the
// recipient's blocks (of accounts and of servers), mutes and muted conversations are honoured
// in one place.
//
// Callers pass the status the event is about: for a reblog, the reblog itself (so that undoing
// the reblog deletes the notification through the foreign key, as Mastodon's does); the
// notification is grouped and rendered by the reblogged original.
import { idAtTime, idTime, newId } from "../../db/ids.ts";
import type { Context } from "../context.ts";
import { queuePushes } from "../push/enqueue.ts";
import { shutOut } from "../relationships/exclusions.ts";
import { streamNotification } from "../streaming/publish.ts";
import { policyVerdict } from "./filtering.ts";
import { recordFilteredMention } from "./requests.ts";

export type NotificationType =
  | "mention"
  | "status"
  | "reblog"
  | "follow"
  | "follow_request"
  | "favourite"
  | "poll"
  | "update"
  | "admin.sign_up"
  | "admin.report"
  | "moderation_warning";

export const NOTIFICATION_TYPES: readonly NotificationType[] = [
  "mention",
  "status",
  "reblog",
  "follow",
  "follow_request",
  "favourite",
  "poll",
  "update",
  "admin.sign_up",
  "admin.report",
  "moderation_warning",
];

/** Types whose notification carries a status. */
export const STATUS_TYPES: ReadonlySet<string> = new Set([
  "mention",
  "status",
  "reblog",
  "favourite",
  "poll",
  "update",
]);

export interface NewNotification {
  type: NotificationType;
  recipientId: string;
  fromAccountId: string;
  statusId?: string | null;
  reportId?: string | null;
  accountWarningId?: string | null;
}

// Mastodon 4.5 groups these (Notification::Groups): favourites and reblogs per status, follows
// together, each in hour buckets that stretch while notifications keep coming, up to 12 hours.
export const GROUPABLE_TYPES: ReadonlySet<string> = new Set(["favourite", "reblog", "follow"]);
const HOUR = 3_600_000;
// One of these per (recipient, sender, type, status): a retried fan-out or follow-up must not
// tell anyone twice. ("update" comes with every edit; an undone favourite or reblog takes its
// notification away, so doing it again notifies again.)
const ONCE_PER_STATUS_TYPES: ReadonlySet<string> = new Set([
  "mention",
  "status",
  "reblog",
  "favourite",
  "poll",
]);
const MAX_GROUP_SPAN_HOURS = 12;

/**
 * Creates the notification unless the recipient has shut the sender or thread out, or their
 * notification policy drops it. One their policy filters is kept aside (a mention joins the
 * sender's notification request); any other is pushed to their Web Push subscriptions.
 */
export async function notify(ctx: Context, n: NewNotification): Promise<string | null> {
  // About one's own doing only: the end of one's own poll (Mastodon's too), and a moderation
  // warning, which comes "from" its target as Mastodon's does.
  const self = n.type === "poll" || n.type === "moderation_warning";
  if (n.recipientId === n.fromAccountId && !self) return null;
  const { kysely } = ctx.db;
  const now = new Date();
  const nowIso = now.toISOString();
  // Only local accounts read notifications; a suspended sender notifies nobody.
  const people = await kysely
    .selectFrom("accounts")
    .select(["id", "domain", "suspended_at", "silenced_at"])
    .where("id", "in", [n.recipientId, n.fromAccountId])
    .execute();
  const recipient = people.find((p) => p.id === n.recipientId);
  const sender = people.find((p) => p.id === n.fromAccountId);
  if (!recipient || recipient.domain !== null || !sender) return null;
  // A suspended sender notifies nobody; a suspension's own warning waits for its lifting.
  if (sender.suspended_at && n.type !== "moderation_warning") return null;
  if (await shutOut(ctx, n.recipientId, n.fromAccountId)) return null;
  const muted = await kysely
    .selectFrom("mutes")
    .select("id")
    .where("account_id", "=", n.recipientId)
    .where("target_account_id", "=", n.fromAccountId)
    .where("hide_notifications", "=", 1)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", nowIso)]))
    .executeTakeFirst();
  if (muted) return null;
  if (n.statusId && ONCE_PER_STATUS_TYPES.has(n.type)) {
    // Notifications come after their status: the recipient's index is read from a day (of
    // clock skew between hosts) before it.
    const statusTime = idTime(n.statusId)?.getTime() ?? 0;
    const told = await kysely
      .selectFrom("notifications")
      .select("id")
      .where("account_id", "=", n.recipientId)
      .where("id", ">=", idAtTime(statusTime - 86_400_000))
      .where("from_account_id", "=", n.fromAccountId)
      .where("type", "=", n.type)
      .where("status_id", "=", n.statusId)
      .executeTakeFirst();
    if (told) return null;
  }
  let targetStatusId = n.statusId ?? null;
  if (n.statusId) {
    const status = await kysely
      .selectFrom("statuses")
      .select(["thread_id", "reblog_of_id"])
      .where("id", "=", n.statusId)
      .executeTakeFirst();
    if (!status) return null;
    if (n.type === "reblog" && status.reblog_of_id) targetStatusId = status.reblog_of_id;
    if (["mention", "reblog", "favourite", "update", "poll"].includes(n.type)) {
      const thread = status.reblog_of_id
        ? await kysely
            .selectFrom("statuses")
            .select("thread_id")
            .where("id", "=", status.reblog_of_id)
            .executeTakeFirst()
        : status;
      const threadMuted = thread
        ? await kysely
            .selectFrom("conversation_mutes")
            .select("thread_id")
            .where("account_id", "=", n.recipientId)
            .where("thread_id", "=", thread.thread_id)
            .executeTakeFirst()
        : undefined;
      if (threadMuted) return null;
    }
  }
  const verdict = await policyVerdict(ctx, { ...n, statusId: n.statusId ?? null });
  if (verdict === "drop") return null;
  const id = newId(now);
  const groupKey = GROUPABLE_TYPES.has(n.type)
    ? await groupKeyFor(ctx, n.recipientId, n.type, targetStatusId, now)
    : `ungrouped-${id}`;
  await kysely
    .insertInto("notifications")
    .values({
      id,
      account_id: n.recipientId,
      from_account_id: n.fromAccountId,
      type: n.type,
      status_id: n.statusId ?? null,
      report_id: n.reportId ?? null,
      account_warning_id: n.accountWarningId ?? null,
      group_key: groupKey,
      created_at: nowIso,
      filtered: verdict === "filter" ? 1 : 0,
    })
    .execute();
  // A filtered notification waits in its request: neither streamed nor pushed.
  if (verdict === "filter") {
    if (n.type === "mention")
      await recordFilteredMention(ctx, { ...n, statusId: n.statusId ?? null });
  } else {
    await streamNotification(ctx, id, n.recipientId);
    await queuePushes(ctx, { id, type: n.type, recipientId: n.recipientId });
  }
  return id;
}

/**
 * `<type>[-<status>]-<hour bucket>`. A new notification joins the previous bucket of the same
 * prefix when that bucket is less than 12 hours old and saw a notification in the last 12
 * hours (Mastodon keeps the previous bucket in Redis with that expiry).
 */
async function groupKeyFor(
  ctx: Context,
  recipientId: string,
  type: string,
  targetStatusId: string | null,
  now: Date,
): Promise<string> {
  const prefix = type === "follow" ? "follow" : `${type}-${targetStatusId ?? "none"}`;
  let bucket = Math.floor(now.getTime() / HOUR);
  const previous = await ctx.db.kysely
    .selectFrom("notifications")
    .select("group_key")
    .where("account_id", "=", recipientId)
    .where("type", "=", type)
    .where("created_at", ">", new Date(now.getTime() - MAX_GROUP_SPAN_HOURS * HOUR).toISOString())
    .where("group_key", "like", `${prefix}-%`)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  const previousBucket = previous ? Number(previous.group_key.slice(prefix.length + 1)) : NaN;
  if (Number.isInteger(previousBucket) && bucket < previousBucket + MAX_GROUP_SPAN_HOURS)
    bucket = previousBucket;
  return `${prefix}-${bucket}`;
}

/**
 * Takes back the notification an action caused when the action is undone (unfavourite,
 * unfollow, a withdrawn follow request), as Mastodon's dependent notifications vanish with
 * their favourite, follow or follow request.
 */
export async function withdrawNotification(
  ctx: Context,
  n: { type: NotificationType; recipientId: string; fromAccountId: string; statusId?: string },
): Promise<void> {
  let q = ctx.db.kysely
    .deleteFrom("notifications")
    .where("account_id", "=", n.recipientId)
    .where("from_account_id", "=", n.fromAccountId)
    .where("type", "=", n.type);
  if (n.statusId !== undefined) q = q.where("status_id", "=", n.statusId);
  await q.execute();
}

/**
 * Deletes what the recipient was told by one account, or by every account of one server, when
 * they block it (Mastodon's AfterBlockService and AfterAccountDomainBlockService).
 */
export async function forgetNotificationsFrom(
  ctx: Context,
  recipientId: string,
  from: { accountId: string } | { domain: string },
): Promise<void> {
  await ctx.db.kysely
    .deleteFrom("notifications")
    .where("account_id", "=", recipientId)
    .where("from_account_id", "in", (eb) => {
      const q = eb.selectFrom("accounts as nf").select("nf.id");
      return "domain" in from
        ? q.where("nf.domain", "=", from.domain)
        : q.where("nf.id", "=", from.accountId);
    })
    .execute();
}
