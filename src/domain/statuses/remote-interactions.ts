// What accounts on other servers do to statuses here: favourite, reblog and pin, and undo
// each. Every operation is keyed by the ActivityPub id of the activity where there is one, and
// doing it twice is the same as doing it once (deliveries repeat).
import { newId } from "../../db/ids.ts";
import type { Visibility } from "../../db/schema.ts";
import { type Context, inTransaction } from "../context.ts";
import { withdrawNotification } from "../notifications/notify.ts";
import { streamDeletion } from "../streaming/deletions.ts";
import { visibleToAccountColumn } from "../visibility.ts";
import { bump, countNewStatus } from "./create.ts";
import { followUpNow, recordFollowUp, type StatusFollowUp } from "./follow-up.ts";
import { notifyIfLocal } from "./local-notify.ts";
import type { StatusRow } from "./queries.ts";

/** May `accountId` (of any server) see the status, by the visibility rule? */
export async function accountCanSee(
  ctx: Context,
  accountId: string,
  statusId: string,
): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom("statuses as s")
    .innerJoin("accounts as v", (join) => join.on("v.id", "=", accountId))
    .select("s.id")
    .where("s.id", "=", statusId)
    .where(visibleToAccountColumn("v.id", "s"))
    .executeTakeFirst();
  return row !== undefined;
}

/** A favourite from another server; false when it was there already. */
export async function receiveFavourite(
  ctx: Context,
  accountId: string,
  status: StatusRow,
  uri: string | null,
): Promise<boolean> {
  const result = await ctx.db.kysely
    .insertInto("favourites")
    .values({
      id: newId(),
      account_id: accountId,
      status_id: status.id,
      uri,
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
  await bump(ctx, "favourites_count", status.id, 1);
  await notifyIfLocal(ctx, {
    type: "favourite",
    recipientId: status.account_id,
    fromAccountId: accountId,
    statusId: status.id,
  });
  return true;
}

/** Undoes `accountId`'s favourite, found by the Like's id or else by the status. */
export async function withdrawFavourite(
  ctx: Context,
  accountId: string,
  by: { uri: string } | { statusId: string },
): Promise<boolean> {
  const { kysely } = ctx.db;
  let q = kysely.selectFrom("favourites").selectAll().where("account_id", "=", accountId);
  q = "uri" in by ? q.where("uri", "=", by.uri) : q.where("status_id", "=", by.statusId);
  const row = await q.executeTakeFirst();
  if (!row) return false;
  const deleted = await kysely.deleteFrom("favourites").where("id", "=", row.id).executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) return false;
  await bump(ctx, "favourites_count", row.status_id, -1);
  const status = await kysely
    .selectFrom("statuses")
    .select("account_id")
    .where("id", "=", row.status_id)
    .executeTakeFirst();
  if (status)
    await withdrawNotification(ctx, {
      type: "favourite",
      recipientId: status.account_id,
      fromAccountId: accountId,
      statusId: row.status_id,
    });
  return true;
}

export interface RemoteReblog {
  uri: string;
  accountId: string;
  original: StatusRow;
  visibility: Exclude<Visibility, "direct">;
  createdAt: string;
}

/** A boost from another server: a status row of its own, fanned out and announced. */
export async function receiveReblog(
  ctx: Context,
  input: RemoteReblog,
): Promise<{ status: StatusRow; created: boolean }> {
  const { kysely } = ctx.db;
  const existing = await kysely
    .selectFrom("statuses")
    .selectAll()
    .where((eb) =>
      eb.or([
        eb("uri", "=", input.uri),
        eb.and([
          eb("reblog_of_id", "=", input.original.id),
          eb("account_id", "=", input.accountId),
        ]),
      ]),
    )
    .executeTakeFirst();
  if (existing) return { status: existing, created: false };
  const at = Math.min(Date.parse(input.createdAt) || Date.now(), Date.now());
  const id = newId(at);
  const row: StatusRow = {
    id,
    uri: input.uri,
    url: null,
    account_id: input.accountId,
    local: 0,
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    in_reply_to_uri: null,
    reblog_of_id: input.original.id,
    thread_id: id,
    content: "",
    text: "",
    spoiler_text: "",
    sensitive: 0,
    visibility: input.visibility,
    language: null,
    application_id: null,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    created_at: new Date(at).toISOString(),
    edited_at: null,
    updated_at: new Date().toISOString(),
  };
  const followUp: StatusFollowUp = {
    statusId: id,
    notifications: [
      {
        type: "reblog",
        recipientId: input.original.account_id,
        fromAccountId: input.accountId,
        statusId: id,
      },
    ],
  };
  const created = await inTransaction(ctx, async (tctx, trx) => {
    const inserted = await trx
      .insertInto("statuses")
      .values(row)
      .onConflict((oc) => oc.column("uri").doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    await countNewStatus(tctx, row);
    await recordFollowUp(tctx, followUp, { ...row, tagged: false });
    return true;
  });
  if (!created) return { status: row, created: false };
  await followUpNow(ctx, followUp);
  return { status: row, created: true };
}

/** Undoes a boost, found by the Announce's id or else by the original. */
export async function withdrawReblog(
  ctx: Context,
  accountId: string,
  by: { uri: string } | { originalId: string },
): Promise<boolean> {
  const { kysely } = ctx.db;
  let q = kysely
    .selectFrom("statuses")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("reblog_of_id", "is not", null);
  q = "uri" in by ? q.where("uri", "=", by.uri) : q.where("reblog_of_id", "=", by.originalId);
  const reblog = await q.executeTakeFirst();
  if (!reblog) return false;
  return kysely.transaction().execute(async (trx) => {
    const tctx: Context = { config: ctx.config, db: { ...ctx.db, kysely: trx } };
    await streamDeletion(tctx, reblog, []);
    const deleted = await trx.deleteFrom("statuses").where("id", "=", reblog.id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) return false;
    await countNewStatus(tctx, reblog, -1);
    return true;
  });
}

/** Pins (featured posts) of remote accounts, kept as the account's own status_pins. */
export async function setRemotePin(
  ctx: Context,
  accountId: string,
  statusId: string,
  pinned: boolean,
): Promise<boolean> {
  const { kysely } = ctx.db;
  if (!pinned) {
    const deleted = await kysely
      .deleteFrom("status_pins")
      .where("account_id", "=", accountId)
      .where("status_id", "=", statusId)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }
  const inserted = await kysely
    .insertInto("status_pins")
    .values({
      id: newId(),
      account_id: accountId,
      status_id: statusId,
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.columns(["account_id", "status_id"]).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}
