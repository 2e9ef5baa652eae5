// What a viewer does to someone's status: favourite, bookmark, pin and mute its conversation.
// Each works only on a status the viewer may see (else "not found"), and doing it twice is the
// same as doing it once. Reblogs are in reblogs.ts.
import { newId } from "../../db/ids.ts";
import { type Context, inTransaction } from "../context.ts";
import { validation } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import type { Viewer } from "../viewer.ts";
import { bump } from "./create.ts";
import { notifyIfLocal } from "./local-notify.ts";
import { findVisibleStatus, type StatusRow } from "./queries.ts";

export const MAX_PINNED = 5;

/** The row again after a change, so the answer shows the new counters. */
async function reload(ctx: Context, status: StatusRow): Promise<StatusRow> {
  const row = await ctx.db.kysely
    .selectFrom("statuses")
    .selectAll()
    .where("id", "=", status.id)
    .executeTakeFirst();
  return row ?? status;
}

/** A reblog stands for its original in these actions, as in Mastodon. */
async function target(ctx: Context, viewer: Viewer, id: string): Promise<StatusRow> {
  const status = await findVisibleStatus(ctx, viewer, id);
  return status.reblog_of_id ? findVisibleStatus(ctx, viewer, status.reblog_of_id) : status;
}

export async function favourite(ctx: Context, viewer: Viewer, id: string): Promise<StatusRow> {
  const status = await target(ctx, viewer, id);
  const favouriteId = newId();
  const added = await inTransaction(ctx, async (tctx) => {
    const result = await tctx.db.kysely
      .insertInto("favourites")
      .values({
        id: favouriteId,
        account_id: viewer.accountId,
        status_id: status.id,
        created_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.columns(["account_id", "status_id"]).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    await bump(tctx, "favourites_count", status.id, 1);
    await emitDomainEvent(tctx, {
      type: "status.favourited",
      favouriteId,
      accountId: viewer.accountId,
      statusId: status.id,
    });
    return true;
  });
  if (added)
    await notifyIfLocal(ctx, {
      type: "favourite",
      recipientId: status.account_id,
      fromAccountId: viewer.accountId,
      statusId: status.id,
    });
  return reload(ctx, status);
}

export async function unfavourite(ctx: Context, viewer: Viewer, id: string): Promise<StatusRow> {
  const status = await target(ctx, viewer, id);
  await inTransaction(ctx, async (tctx) => {
    const removed = await tctx.db.kysely
      .deleteFrom("favourites")
      .where("account_id", "=", viewer.accountId)
      .where("status_id", "=", status.id)
      .returning("id")
      .execute();
    for (const { id: favouriteId } of removed) {
      await bump(tctx, "favourites_count", status.id, -1);
      await emitDomainEvent(tctx, {
        type: "status.unfavourited",
        favouriteId,
        accountId: viewer.accountId,
        statusId: status.id,
      });
    }
  });
  return reload(ctx, status);
}

export async function bookmark(ctx: Context, viewer: Viewer, id: string): Promise<StatusRow> {
  const status = await target(ctx, viewer, id);
  await ctx.db.kysely
    .insertInto("bookmarks")
    .values({
      id: newId(),
      account_id: viewer.accountId,
      status_id: status.id,
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.columns(["account_id", "status_id"]).doNothing())
    .execute();
  return status;
}

export async function unbookmark(ctx: Context, viewer: Viewer, id: string): Promise<StatusRow> {
  const status = await target(ctx, viewer, id);
  await ctx.db.kysely
    .deleteFrom("bookmarks")
    .where("account_id", "=", viewer.accountId)
    .where("status_id", "=", status.id)
    .execute();
  return status;
}

/** Pins one of the viewer's own public or unlisted statuses to their profile (at most 5). */
export async function pin(ctx: Context, viewer: Viewer, id: string): Promise<StatusRow> {
  const status = await findVisibleStatus(ctx, viewer, id);
  if (status.account_id !== viewer.accountId)
    throw validation("Validation failed: Someone else's post cannot be pinned");
  if (status.reblog_of_id) throw validation("Validation failed: Boosts cannot be pinned");
  if (status.visibility !== "public" && status.visibility !== "unlisted")
    throw validation("Validation failed: Only public and unlisted posts can be pinned");
  const { kysely } = ctx.db;
  const already = await kysely
    .selectFrom("status_pins")
    .select("id")
    .where("account_id", "=", viewer.accountId)
    .where("status_id", "=", status.id)
    .executeTakeFirst();
  if (already) return status;
  const count = await kysely
    .selectFrom("status_pins")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("account_id", "=", viewer.accountId)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= MAX_PINNED)
    throw validation("Validation failed: You have already pinned the maximum number of posts");
  await inTransaction(ctx, async (tctx) => {
    const pinned = await tctx.db.kysely
      .insertInto("status_pins")
      .values({
        id: newId(),
        account_id: viewer.accountId,
        status_id: status.id,
        created_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.columns(["account_id", "status_id"]).doNothing())
      .executeTakeFirst();
    if (Number(pinned.numInsertedOrUpdatedRows ?? 0) > 0)
      await emitDomainEvent(tctx, {
        type: "status.pinned",
        accountId: viewer.accountId,
        statusId: status.id,
      });
  });
  return status;
}

export async function unpin(ctx: Context, viewer: Viewer, id: string): Promise<StatusRow> {
  const status = await findVisibleStatus(ctx, viewer, id);
  await inTransaction(ctx, async (tctx) => {
    const unpinned = await tctx.db.kysely
      .deleteFrom("status_pins")
      .where("account_id", "=", viewer.accountId)
      .where("status_id", "=", status.id)
      .executeTakeFirst();
    if (Number(unpinned.numDeletedRows) > 0)
      await emitDomainEvent(tctx, {
        type: "status.unpinned",
        accountId: viewer.accountId,
        statusId: status.id,
      });
  });
  return status;
}

/** Mutes (or unmutes) notifications from the status's whole conversation. */
export async function muteConversation(
  ctx: Context,
  viewer: Viewer,
  id: string,
  mute: boolean,
): Promise<StatusRow> {
  const status = await target(ctx, viewer, id);
  if (mute) {
    await ctx.db.kysely
      .insertInto("conversation_mutes")
      .values({ account_id: viewer.accountId, thread_id: status.thread_id })
      .onConflict((oc) => oc.columns(["account_id", "thread_id"]).doNothing())
      .execute();
  } else {
    await ctx.db.kysely
      .deleteFrom("conversation_mutes")
      .where("account_id", "=", viewer.accountId)
      .where("thread_id", "=", status.thread_id)
      .execute();
  }
  return status;
}
