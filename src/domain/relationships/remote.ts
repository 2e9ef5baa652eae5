// The social graph as other servers change it: an Accept or Reject of a follow Kith sent, a
// block by a remote account, and the undoing of a remote follow or block. Follows themselves
// go through follow.ts, which works for remote accounts too.
import { newId } from "../../db/ids.ts";
import type { Context } from "../context.ts";
import { DomainError } from "../errors.ts";
import { removeFromHomeFeedOnUnfollow } from "../timelines/home-feed.ts";
import { authorizeFollowRequest, rejectFollowRequest, unfollow } from "./follow.ts";

export interface FollowRef {
  /** The Follow's ActivityPub id, as stored with the request */
  uri: string | null;
  /** The account that followed (found from the embedded Follow, if any) */
  followerId: string | null;
  /** The account that answers: it must be the target of the follow */
  targetId: string;
}

async function pendingRequest(ctx: Context, ref: FollowRef) {
  const { kysely } = ctx.db;
  if (ref.uri) {
    const byUri = await kysely
      .selectFrom("follow_requests")
      .select(["account_id", "target_account_id"])
      .where("uri", "=", ref.uri)
      .where("target_account_id", "=", ref.targetId)
      .executeTakeFirst();
    if (byUri) return byUri;
  }
  if (!ref.followerId) return undefined;
  return kysely
    .selectFrom("follow_requests")
    .select(["account_id", "target_account_id"])
    .where("account_id", "=", ref.followerId)
    .where("target_account_id", "=", ref.targetId)
    .executeTakeFirst();
}

/** The target accepted a follow: the request becomes a follow. False if none was pending. */
export async function followAccepted(ctx: Context, ref: FollowRef): Promise<boolean> {
  const request = await pendingRequest(ctx, ref);
  if (!request) return false;
  try {
    await authorizeFollowRequest(ctx, request.account_id, ref.targetId);
    return true;
  } catch (error) {
    // Settled meanwhile by another delivery of the same Accept.
    if (error instanceof DomainError && error.kind === "not_found") return false;
    throw error;
  }
}

/**
 * The target rejected a follow: a pending request goes, and so does an established follow
 * (Mastodon sends Reject to remove a follower). False when there was nothing.
 */
export async function followRejected(ctx: Context, ref: FollowRef): Promise<boolean> {
  const request = await pendingRequest(ctx, ref);
  if (request) {
    try {
      await rejectFollowRequest(ctx, request.account_id, ref.targetId);
      return true;
    } catch (error) {
      if (!(error instanceof DomainError && error.kind === "not_found")) throw error;
    }
  }
  let followerId = ref.followerId;
  if (ref.uri) {
    const byUri = await ctx.db.kysely
      .selectFrom("follows")
      .select("account_id")
      .where("uri", "=", ref.uri)
      .where("target_account_id", "=", ref.targetId)
      .executeTakeFirst();
    followerId = byUri?.account_id ?? followerId;
  }
  if (!followerId) return false;
  return (await unfollow(ctx, followerId, ref.targetId)).unfollowed;
}

/** The follower withdrew (Undo Follow), found by the Follow's id or else by the pair. */
export async function followWithdrawn(
  ctx: Context,
  followerId: string,
  by: { uri: string } | { targetId: string },
): Promise<boolean> {
  let targetId: string | undefined;
  if ("uri" in by) {
    for (const table of ["follows", "follow_requests"] as const) {
      const row = await ctx.db.kysely
        .selectFrom(table)
        .select("target_account_id")
        .where("account_id", "=", followerId)
        .where("uri", "=", by.uri)
        .executeTakeFirst();
      targetId ??= row?.target_account_id;
    }
  } else {
    targetId = by.targetId;
  }
  if (!targetId) return false;
  const { unfollowed, cancelledRequest } = await unfollow(ctx, followerId, targetId);
  return unfollowed || cancelledRequest;
}

/**
 * `blockerId` (remote) blocks `targetId` (local): follows end both ways and the blocker's
 * statuses leave the target's feed; the visibility rule hides the rest. False if it existed.
 */
export async function receiveBlock(
  ctx: Context,
  blockerId: string,
  targetId: string,
  uri: string | null,
): Promise<boolean> {
  const inserted = await ctx.db.kysely
    .insertInto("blocks")
    .values({
      id: newId(),
      account_id: blockerId,
      target_account_id: targetId,
      uri,
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doNothing())
    .executeTakeFirst();
  await unfollow(ctx, blockerId, targetId);
  await unfollow(ctx, targetId, blockerId);
  await removeFromHomeFeedOnUnfollow(ctx, targetId, blockerId);
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Undo Block, found by the Block's id or else by the pair. */
export async function withdrawBlock(
  ctx: Context,
  blockerId: string,
  by: { uri: string } | { targetId: string },
): Promise<boolean> {
  let q = ctx.db.kysely.deleteFrom("blocks").where("account_id", "=", blockerId);
  q = "uri" in by ? q.where("uri", "=", by.uri) : q.where("target_account_id", "=", by.targetId);
  const deleted = await q.executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}
