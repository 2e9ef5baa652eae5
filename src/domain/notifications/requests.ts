// Notification requests (Mastodon 4.3): the filtered mentions of one sender, waiting for the
// recipient to accept them (they join the notifications, and that sender is never filtered
// again: a notification permission) or dismiss them (they are deleted). Other filtered
// notifications of that sender (favourites, follows…) go the same way as the request.

import type { ExpressionBuilder } from "kysely";
import { isId, newId } from "../../db/ids.ts";
import type { Database, NotificationRequestsTable } from "../../db/schema.ts";
import { type AccountRow, getAccounts } from "../accounts/queries.ts";
import { type Context, inTransaction } from "../context.ts";
import { fileDirectStatus } from "../conversations/record.ts";
import { notFound } from "../errors.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";
import { findVisibleStatuses } from "../statuses/queries.ts";
import { loadStatusViews, type StatusView } from "../statuses/views.ts";
import type { Viewer } from "../viewer.ts";

export interface NotificationRequestRow {
  id: string;
  from_account_id: string;
  last_status_id: string | null;
  created_at: string;
  updated_at: string;
  /** filtered mentions from that sender, at most 100 as Mastodon counts */
  notifications_count: number;
}

const MAX_MEANINGFUL_COUNT = 100;

/** Files a filtered mention under its sender's request (made on the first one). */
export async function recordFilteredMention(
  ctx: Context,
  n: { recipientId: string; fromAccountId: string; statusId: string | null },
): Promise<void> {
  const now = new Date().toISOString();
  const row: NotificationRequestsTable = {
    id: newId(),
    account_id: n.recipientId,
    from_account_id: n.fromAccountId,
    last_status_id: n.statusId,
    created_at: now,
    updated_at: now,
  };
  await ctx.db.kysely
    .insertInto("notification_requests")
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(["account_id", "from_account_id"])
        .doUpdateSet({ last_status_id: n.statusId, updated_at: now }),
    )
    .execute();
}

function requests(ctx: Context, viewer: Viewer) {
  return ctx.db.kysely
    .selectFrom("notification_requests as r")
    .innerJoin("accounts as ra", "ra.id", "r.from_account_id")
    .select([
      "r.id",
      "r.from_account_id",
      "r.last_status_id",
      "r.created_at",
      "r.updated_at",
      (eb) =>
        eb
          .selectFrom(
            eb
              .selectFrom("notifications as n")
              .select("n.id")
              .where("n.account_id", "=", viewer.accountId)
              .whereRef("n.from_account_id", "=", "r.from_account_id")
              .where("n.filtered", "=", 1)
              .where("n.type", "=", "mention")
              .limit(MAX_MEANINGFUL_COUNT)
              .as("counted"),
          )
          .select((c) => c.fn.countAll().as("c"))
          .as("notifications_count"),
    ])
    .where("r.account_id", "=", viewer.accountId)
    .where("ra.suspended_at", "is", null)
    .where(pendingMention);
}

/**
 * A request stands while a filtered mention of its sender does: deleted statuses and blocks
 * take notifications away (Mastodon's `reconsider_existence!`).
 */
export const pendingMention = (
  eb: ExpressionBuilder<Database & { r: NotificationRequestsTable }, "r">,
) =>
  eb.exists(
    eb
      .selectFrom("notifications as pn")
      .select("pn.id")
      .whereRef("pn.account_id", "=", "r.account_id")
      .whereRef("pn.from_account_id", "=", "r.from_account_id")
      .where("pn.filtered", "=", 1)
      .where("pn.type", "=", "mention"),
  );

const toRow = (r: {
  id: string;
  from_account_id: string;
  last_status_id: string | null;
  created_at: string;
  updated_at: string;
  notifications_count: unknown;
}): NotificationRequestRow => ({ ...r, notifications_count: Number(r.notifications_count ?? 0) });

export async function listNotificationRequests(
  ctx: Context,
  viewer: Viewer,
  page: Page,
): Promise<NotificationRequestRow[]> {
  const rows = await applyPage(requests(ctx, viewer), "r.id", page).execute();
  return finishPage(rows, page).map(toRow);
}

export async function getNotificationRequest(
  ctx: Context,
  viewer: Viewer,
  id: string,
): Promise<NotificationRequestRow> {
  if (!isId(id)) throw notFound();
  const row = await requests(ctx, viewer).where("r.id", "=", id).executeTakeFirst();
  if (!row) throw notFound();
  return toRow(row);
}

/** All of `ids` must be the viewer's requests (else 404, as Mastodon's `find`). */
async function findAll(ctx: Context, viewer: Viewer, ids: readonly string[]) {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0 || !wanted.every(isId)) throw notFound();
  const rows = await ctx.db.kysely
    .selectFrom("notification_requests")
    .select(["id", "from_account_id"])
    .where("account_id", "=", viewer.accountId)
    .where("id", "in", wanted)
    .execute();
  if (rows.length !== wanted.length) throw notFound();
  return rows;
}

/**
 * Lets the senders' filtered notifications through, and all their future ones; their direct
 * mentions join the viewer's conversations then (Mastodon's UnfilterNotificationsWorker).
 */
export async function acceptNotificationRequests(
  ctx: Context,
  viewer: Viewer,
  ids: readonly string[],
): Promise<void> {
  const found = await findAll(ctx, viewer, ids);
  const mentioned = await inTransaction(ctx, async (_tctx, trx) => {
    const now = new Date().toISOString();
    const statusIds: string[] = [];
    for (const r of found) {
      const held = await trx
        .selectFrom("notifications")
        .select("status_id")
        .where("account_id", "=", viewer.accountId)
        .where("from_account_id", "=", r.from_account_id)
        .where("filtered", "=", 1)
        .where("type", "=", "mention")
        .where("status_id", "is not", null)
        .orderBy("id")
        .execute();
      statusIds.push(...held.flatMap((h) => (h.status_id ? [h.status_id] : [])));
      await trx
        .insertInto("notification_permissions")
        .values({
          id: newId(),
          account_id: viewer.accountId,
          from_account_id: r.from_account_id,
          created_at: now,
        })
        .onConflict((oc) => oc.columns(["account_id", "from_account_id"]).doNothing())
        .execute();
      await trx
        .updateTable("notifications")
        .set({ filtered: 0 })
        .where("account_id", "=", viewer.accountId)
        .where("from_account_id", "=", r.from_account_id)
        .where("filtered", "=", 1)
        .execute();
      await trx.deleteFrom("notification_requests").where("id", "=", r.id).execute();
    }
    return statusIds;
  });
  for (const statusId of mentioned) await fileDirectStatus(ctx, statusId, viewer.accountId);
}

/** Deletes the senders' filtered notifications and the requests. */
export async function dismissNotificationRequests(
  ctx: Context,
  viewer: Viewer,
  ids: readonly string[],
): Promise<void> {
  const found = await findAll(ctx, viewer, ids);
  await inTransaction(ctx, async (_tctx, trx) => {
    for (const r of found) {
      await trx
        .deleteFrom("notifications")
        .where("account_id", "=", viewer.accountId)
        .where("from_account_id", "=", r.from_account_id)
        .where("filtered", "=", 1)
        .execute();
      await trx.deleteFrom("notification_requests").where("id", "=", r.id).execute();
    }
  });
}

export interface NotificationRequestViews {
  accounts: Map<string, AccountRow>;
  /** by status ID, only those the viewer may see */
  statuses: Map<string, StatusView>;
}

/** The senders and last statuses of `rows`, loaded at once for rendering. */
export async function loadNotificationRequestViews(
  ctx: Context,
  viewer: Viewer,
  rows: readonly NotificationRequestRow[],
): Promise<NotificationRequestViews> {
  const accounts = await getAccounts(
    ctx,
    rows.map((r) => r.from_account_id),
  );
  const statusRows = await findVisibleStatuses(
    ctx,
    viewer,
    rows.flatMap((r) => (r.last_status_id ? [r.last_status_id] : [])),
  );
  const views = await loadStatusViews(ctx, viewer, statusRows);
  return { accounts, statuses: new Map(views.map((v) => [v.row.id, v])) };
}
