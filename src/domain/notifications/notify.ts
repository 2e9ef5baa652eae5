// Creating notifications. Every path that notifies someone comes through here, so the
// recipient's blocks, mutes and muted conversations are honoured in one place.
import { newId } from "../../db/ids.ts";
import type { Context } from "../context.ts";

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
  | "admin.report";

export interface NewNotification {
  type: NotificationType;
  recipientId: string;
  fromAccountId: string;
  statusId?: string | null;
  reportId?: string | null;
}

// Mastodon groups these by (type, target) so clients can show "A, B and 3 others liked…".
const GROUPED: ReadonlySet<NotificationType> = new Set(["favourite", "follow", "reblog", "admin.sign_up"]);

/** Creates the notification unless the recipient has shut the sender or thread out. */
export async function notify(ctx: Context, n: NewNotification): Promise<string | null> {
  if (n.recipientId === n.fromAccountId) return null;
  const { kysely } = ctx.db;
  const now = new Date().toISOString();
  const blocked = await kysely
    .selectFrom("blocks")
    .select("id")
    .where((eb) =>
      eb.or([
        eb.and([eb("account_id", "=", n.recipientId), eb("target_account_id", "=", n.fromAccountId)]),
        eb.and([eb("account_id", "=", n.fromAccountId), eb("target_account_id", "=", n.recipientId)]),
      ]),
    )
    .executeTakeFirst();
  if (blocked) return null;
  const muted = await kysely
    .selectFrom("mutes")
    .select("id")
    .where("account_id", "=", n.recipientId)
    .where("target_account_id", "=", n.fromAccountId)
    .where("hide_notifications", "=", 1)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
    .executeTakeFirst();
  if (muted) return null;
  if (n.statusId && (n.type === "mention" || n.type === "reblog" || n.type === "favourite" || n.type === "update")) {
    const threadMuted = await kysely
      .selectFrom("conversation_mutes")
      .innerJoin("statuses", "statuses.thread_id", "conversation_mutes.thread_id")
      .select("conversation_mutes.thread_id")
      .where("conversation_mutes.account_id", "=", n.recipientId)
      .where("statuses.id", "=", n.statusId)
      .executeTakeFirst();
    if (threadMuted) return null;
  }
  const id = newId();
  // Grouped types share a key per target and hour, as Mastodon's grouping window does.
  const hour = Math.floor(Date.now() / 3_600_000);
  const groupKey = GROUPED.has(n.type) ? `${n.type}-${n.statusId ?? "account"}-${hour}` : `ungrouped-${id}`;
  await kysely
    .insertInto("notifications")
    .values({
      id,
      account_id: n.recipientId,
      from_account_id: n.fromAccountId,
      type: n.type,
      status_id: n.statusId ?? null,
      report_id: n.reportId ?? null,
      group_key: groupKey,
      created_at: now,
    })
    .execute();
  return id;
}
