// The end of a remote account: its own server deleted it (everything it had here goes, with
// the counters it moved), or it moved to another account (its local followers follow the new
// one, as Mastodon's MoveWorker does).
import type { Context } from "../context.ts";
import { DomainError } from "../errors.ts";
import { removeMediaRows } from "../media/uploads.ts";
import { follow, removeFromFollowers, unfollow } from "../relationships/follow.ts";
import { bump } from "../statuses/create.ts";
import { deleteStatusRow } from "../statuses/receive.ts";
import { localFollowersOf, setMovedTo } from "./remote.ts";

const BATCH = 200;

/** Deletes a remote account and all it did here. Local accounts are never touched. */
export async function deleteRemoteAccount(ctx: Context, accountId: string): Promise<boolean> {
  const { kysely } = ctx.db;
  const account = await kysely
    .selectFrom("accounts")
    .select(["id", "domain"])
    .where("id", "=", accountId)
    .executeTakeFirst();
  if (!account || account.domain === null) return false;

  for (;;) {
    const statuses = await kysely
      .selectFrom("statuses")
      .selectAll()
      .where("account_id", "=", accountId)
      .orderBy("id")
      .limit(BATCH)
      .execute();
    if (statuses.length === 0) break;
    for (const status of statuses) await deleteStatusRow(ctx, status);
  }
  const favourites = await kysely
    .selectFrom("favourites")
    .select(["id", "status_id"])
    .where("account_id", "=", accountId)
    .execute();
  for (const f of favourites) {
    await kysely.deleteFrom("favourites").where("id", "=", f.id).execute();
    await bump(ctx, "favourites_count", f.status_id, -1);
  }
  const following = await kysely
    .selectFrom("follows")
    .select("target_account_id")
    .where("account_id", "=", accountId)
    .execute();
  for (const f of following) await unfollow(ctx, accountId, f.target_account_id);
  const followers = await kysely
    .selectFrom("follows")
    .select("account_id")
    .where("target_account_id", "=", accountId)
    .execute();
  for (const f of followers) await removeFromFollowers(ctx, accountId, f.account_id);
  // Its media rows, and the copies of its files cached here (KITH_REMOTE_MEDIA=cache).
  await removeMediaRows(
    ctx,
    await kysely
      .selectFrom("media_attachments")
      .selectAll()
      .where("account_id", "=", accountId)
      .execute(),
  );
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
