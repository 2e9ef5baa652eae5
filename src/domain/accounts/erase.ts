// What an account did here, undone: its statuses (each with the counters it moved), its
// favourites, bookmarks and media, and its follows both ways. Shared by a remote account's
// deletion and the purge that ends a suspension; the account row itself is the caller's.
import type { Context } from "../context.ts";
import { removeMediaRows } from "../media/uploads.ts";
import { removeFromFollowers, unfollow } from "../relationships/follow.ts";
import { bump } from "../statuses/create.ts";
import { deleteStatusRow } from "../statuses/receive.ts";

const BATCH = 200;

export async function eraseAccountActivity(ctx: Context, accountId: string): Promise<void> {
  const { kysely } = ctx.db;
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
  await kysely.deleteFrom("bookmarks").where("account_id", "=", accountId).execute();
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
  // Its media rows and their files (uploads, or copies cached with KITH_REMOTE_MEDIA=cache).
  await removeMediaRows(
    ctx,
    await kysely
      .selectFrom("media_attachments")
      .selectAll()
      .where("account_id", "=", accountId)
      .execute(),
  );
}
