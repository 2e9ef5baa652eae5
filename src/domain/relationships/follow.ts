// Following, as Mastodon's FollowService, UnfollowService, AuthorizeFollowService,
// RejectFollowService and RemoveFromFollowersService. Works for any pair of accounts rows, so
// federation can call the same functions for remote followers (a Follow arriving in the inbox)
// and for remote targets (an Accept or Reject coming back).
//
// A follow of a locked account, a remote account (which must Accept), or by a limited account
// starts as a follow request. Counters move only when a follows row really appears or goes.
import { type Kysely, sql } from "kysely";
import { newId } from "../../db/ids.ts";
import type { Database } from "../../db/schema.ts";
import { type Context, inTransaction } from "../context.ts";
import { DomainError, forbidden, notFound } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import { notify, withdrawNotification } from "../notifications/notify.ts";
import { addToHomeFeedOnFollow, removeFromHomeFeedOnUnfollow } from "../timelines/home-feed.ts";
import { followBarred } from "./exclusions.ts";

export interface FollowOptions {
  /** Show the target's reblogs in the home feed (default true) */
  reblogs?: boolean;
  /** Notify on each of the target's posts (default false) */
  notify?: boolean;
  /** Only these languages from the target; null or [] = all (default) */
  languages?: string[] | null;
  /** The ActivityPub Follow's id, for follows that arrive from or go to other servers */
  uri?: string | null;
  /** Follow even a locked account straight away (e.g. invite auto-follow) */
  bypassLocked?: boolean;
}

export type FollowOutcome = "following" | "requested";

export const SELF_FOLLOW_ERROR = "Following your own account is not allowed";

async function accountPair(ctx: Context, sourceId: string, targetId: string) {
  const rows = await ctx.db.kysely
    .selectFrom("accounts")
    .selectAll()
    .where("id", "in", [sourceId, targetId])
    .execute();
  const source = rows.find((r) => r.id === sourceId);
  const target = rows.find((r) => r.id === targetId);
  if (!source || !target) throw notFound();
  return { source, target };
}

function optionColumns(options: FollowOptions) {
  const values: { show_reblogs?: number; notify?: number; languages?: string | null } = {};
  if (options.reblogs !== undefined) values.show_reblogs = options.reblogs ? 1 : 0;
  if (options.notify !== undefined) values.notify = options.notify ? 1 : 0;
  if (options.languages !== undefined)
    values.languages = options.languages?.length ? JSON.stringify(options.languages) : null;
  return values;
}

/** Starts (or, when it exists, updates the options of) a follow or follow request. */
export async function follow(
  ctx: Context,
  sourceId: string,
  targetId: string,
  options: FollowOptions = {},
): Promise<FollowOutcome> {
  const { kysely } = ctx.db;
  const { source, target } = await accountPair(ctx, sourceId, targetId);
  if (target.suspended_at) throw notFound();
  if (source.id === target.id) throw forbidden(SELF_FOLLOW_ERROR);
  if (target.moved_to_account_id || (await followBarred(ctx, source.id, target.id)))
    throw forbidden();

  const changes = optionColumns(options);
  for (const table of ["follows", "follow_requests"] as const) {
    const existing = await kysely
      .selectFrom(table)
      .select("id")
      .where("account_id", "=", source.id)
      .where("target_account_id", "=", target.id)
      .executeTakeFirst();
    if (!existing) continue;
    if (Object.keys(changes).length > 0)
      await kysely.updateTable(table).set(changes).where("id", "=", existing.id).execute();
    return table === "follows" ? "following" : "requested";
  }

  const id = newId();
  const row = {
    id,
    account_id: source.id,
    target_account_id: target.id,
    show_reblogs: 1,
    notify: 0,
    languages: null as string | null,
    // A local account asking a remote one: the id of the Follow activity that will carry it.
    uri:
      options.uri ??
      (source.domain === null && target.domain !== null ? `${source.uri}/follows/${id}` : null),
    created_at: new Date().toISOString(),
    ...changes,
  };
  const mustRequest =
    (target.locked === 1 && !options.bypassLocked) ||
    source.silenced_at !== null ||
    target.domain !== null;
  if (mustRequest) {
    const requested = await inTransaction(ctx, async (tctx) => {
      const inserted = await tctx.db.kysely
        .insertInto("follow_requests")
        .values(row)
        .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await emitDomainEvent(tctx, { type: "follow.requested", ...followFacts(row) });
      return true;
    });
    if (requested)
      await notify(ctx, {
        type: "follow_request",
        recipientId: target.id,
        fromAccountId: source.id,
      });
    return "requested";
  }
  await startFollow(ctx, row);
  return "following";
}

/** Inserts the follows row, moves the counters, and tells the target and the home feed. */
async function startFollow(
  ctx: Context,
  row: {
    id: string;
    account_id: string;
    target_account_id: string;
    show_reblogs: number;
    notify: number;
    languages: string | null;
    uri: string | null;
    created_at: string;
  },
  /** more work for the same transaction, e.g. removing the request this follow settles */
  alongside?: (trx: Kysely<Database>) => Promise<void>,
): Promise<boolean> {
  const created = await inTransaction(ctx, async (tctx, trx) => {
    await alongside?.(trx);
    const inserted = await trx
      .insertInto("follows")
      .values(row)
      .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    await adjustCounts(trx, row.account_id, row.target_account_id, 1);
    await emitDomainEvent(tctx, { type: "follow.accepted", ...followFacts(row) });
    return true;
  });
  if (!created) return false;
  await notify(ctx, {
    type: "follow",
    recipientId: row.target_account_id,
    fromAccountId: row.account_id,
  });
  await addToHomeFeedOnFollow(ctx, row.account_id, row.target_account_id);
  return true;
}

const followFacts = (row: {
  id: string;
  account_id: string;
  target_account_id: string;
  uri: string | null;
}) => ({
  followId: row.id,
  followerId: row.account_id,
  targetId: row.target_account_id,
  uri: row.uri,
});

async function adjustCounts(
  db: Kysely<Database>,
  followerId: string,
  targetId: string,
  delta: 1 | -1,
) {
  const bump = (column: "following_count" | "followers_count") =>
    delta > 0
      ? sql<number>`${sql.ref(column)} + 1`
      : sql<number>`CASE WHEN ${sql.ref(column)} > 0 THEN ${sql.ref(column)} - 1 ELSE 0 END`;
  await db
    .updateTable("accounts")
    .set({ following_count: bump("following_count") })
    .where("id", "=", followerId)
    .execute();
  await db
    .updateTable("accounts")
    .set({ followers_count: bump("followers_count") })
    .where("id", "=", targetId)
    .execute();
}

/** The notification that announced a follow or request goes with it, as in Mastodon. */
const forgetNotification = (
  ctx: Context,
  type: "follow" | "follow_request",
  followerId: string,
  targetId: string,
) => withdrawNotification(ctx, { type, recipientId: targetId, fromAccountId: followerId });

/** Ends a follow (and cancels a pending request). Returns what there was to undo. */
export async function unfollow(
  ctx: Context,
  followerId: string,
  targetId: string,
): Promise<{ unfollowed: boolean; cancelledRequest: boolean }> {
  const ended = await endFollow(ctx, followerId, targetId, "follow.undone");
  const cancelled = await endFollowRequest(ctx, followerId, targetId, "follow.undone");
  return { unfollowed: ended !== null, cancelledRequest: cancelled };
}

/**
 * Deletes the follow and everything that hangs on it, telling federation with `event`; the
 * row that was, or null.
 */
async function endFollow(
  ctx: Context,
  followerId: string,
  targetId: string,
  event: "follow.undone" | "follow.rejected",
) {
  const removed = await inTransaction(ctx, async (tctx, trx) => {
    const [deleted] = await trx
      .deleteFrom("follows")
      .where("account_id", "=", followerId)
      .where("target_account_id", "=", targetId)
      .returning(["id", "account_id", "target_account_id", "uri"])
      .execute();
    if (!deleted) return null;
    await adjustCounts(trx, followerId, targetId, -1);
    // Only followed accounts may be endorsed (Mastodon's Follow#remove_endorsements).
    await trx
      .deleteFrom("account_pins")
      .where("account_id", "=", followerId)
      .where("target_account_id", "=", targetId)
      .execute();
    await emitDomainEvent(tctx, { type: event, ...followFacts(deleted) });
    return deleted;
  });
  if (!removed) return null;
  await forgetNotification(ctx, "follow", followerId, targetId);
  await removeFromHomeFeedOnUnfollow(ctx, followerId, targetId);
  return removed;
}

/** Removes a pending request, with its event and notification; false when there was none. */
async function endFollowRequest(
  ctx: Context,
  followerId: string,
  targetId: string,
  event: "follow.undone" | "follow.rejected",
): Promise<boolean> {
  const removed = await inTransaction(ctx, async (tctx, trx) => {
    const [deleted] = await trx
      .deleteFrom("follow_requests")
      .where("account_id", "=", followerId)
      .where("target_account_id", "=", targetId)
      .returning(["id", "account_id", "target_account_id", "uri"])
      .execute();
    if (deleted) await emitDomainEvent(tctx, { type: event, ...followFacts(deleted) });
    return deleted !== undefined;
  });
  if (removed) await forgetNotification(ctx, "follow_request", followerId, targetId);
  return removed;
}

/** `accountId` makes `followerId` stop following them (a soft block, without the block). */
export async function removeFromFollowers(
  ctx: Context,
  accountId: string,
  followerId: string,
): Promise<boolean> {
  const ended = await endFollow(ctx, followerId, accountId, "follow.rejected");
  return ended !== null;
}

/** The target accepts a pending request: it becomes a follow with the request's options. */
export async function authorizeFollowRequest(
  ctx: Context,
  followerId: string,
  targetId: string,
): Promise<void> {
  const request = await ctx.db.kysely
    .selectFrom("follow_requests")
    .selectAll()
    .where("account_id", "=", followerId)
    .where("target_account_id", "=", targetId)
    .executeTakeFirst();
  if (!request) throw notFound();
  // The request becomes the follow in one step: neither is lost nor doubled.
  await startFollow(
    ctx,
    { ...request, id: newId(), created_at: new Date().toISOString() },
    async (trx) => {
      const deleted = await trx
        .deleteFrom("follow_requests")
        .where("id", "=", request.id)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) throw notFound();
    },
  );
  await forgetNotification(ctx, "follow_request", followerId, targetId);
}

/** The target turns a pending request down. */
export async function rejectFollowRequest(
  ctx: Context,
  followerId: string,
  targetId: string,
): Promise<void> {
  if (!(await endFollowRequest(ctx, followerId, targetId, "follow.rejected"))) throw notFound();
}

/** When an account unlocks, everyone waiting is let in (Mastodon's UpdateAccountService). */
export async function authorizeAllFollowRequests(ctx: Context, targetId: string): Promise<void> {
  const waiting = await ctx.db.kysely
    .selectFrom("follow_requests")
    .select("account_id")
    .where("target_account_id", "=", targetId)
    .orderBy("id")
    .execute();
  for (const { account_id } of waiting) {
    try {
      await authorizeFollowRequest(ctx, account_id, targetId);
    } catch (error) {
      // Withdrawn meanwhile: nothing to let in.
      if (!(error instanceof DomainError && error.kind === "not_found")) throw error;
    }
  }
}
