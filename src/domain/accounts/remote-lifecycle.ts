// The end of a remote account: its own server deleted it (everything it had here goes, with
// the counters it moved), or it moved to another account (its local followers follow the new
// one, as Mastodon's MoveWorker does).
import type { Context } from "../context.ts";
import { DomainError } from "../errors.ts";
import { follow, unfollow } from "../relationships/follow.ts";
import { eraseAccountActivity } from "./erase.ts";
import { localFollowersOf, setMovedTo } from "./remote.ts";

/** Deletes a remote account and all it did here. Local accounts are never touched. */
export async function deleteRemoteAccount(ctx: Context, accountId: string): Promise<boolean> {
  const { kysely } = ctx.db;
  const account = await kysely
    .selectFrom("accounts")
    .select(["id", "domain"])
    .where("id", "=", accountId)
    .executeTakeFirst();
  if (!account || account.domain === null) return false;

  await eraseAccountActivity(ctx, accountId);
  // The foreign keys take requests, blocks, mutes, mentions, pins and notifications along.
  const deleted = await kysely
    .deleteFrom("accounts")
    .where("id", "=", accountId)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}

/**
 * `oldId` moved to `newId` (the alias was confirmed by federation): it is marked as moved and
 * each local follower still following it follows the new account instead. The mark may be
 * there already (the old actor's document said movedTo); the followers are what matter, and a
 * repeated Move finds none left, so it changes nothing.
 */
export async function moveRemoteAccount(
  ctx: Context,
  oldId: string,
  newId: string,
): Promise<{ marked: boolean; moved: number }> {
  const marked = await setMovedTo(ctx, oldId, newId);
  let moved = 0;
  for (const followerId of await localFollowersOf(ctx, oldId)) {
    try {
      await follow(ctx, followerId, newId);
      moved++;
    } catch (error) {
      // Blocked either way, or the new account moved on again: only the unfollow happens.
      if (!(error instanceof DomainError)) throw error;
    }
    await unfollow(ctx, followerId, oldId);
  }
  return { marked, moved };
}
