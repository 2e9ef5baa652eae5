// Following hashtags (Mastodon's tag_follows): public posts with a followed tag join the
// follower's home feed when they are fanned out (see fanOutToTagFollowers).
import type { Context } from "../context.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";
import { streamToHomes } from "../streaming/publish.ts";
import type { Viewer } from "../viewer.ts";
import { visibleToAccountColumn } from "../visibility.ts";
import { lookUpTag, markTag, type TagView, tagForWriting, tagViews, unmarkTag } from "./tags.ts";

export async function followTag(ctx: Context, viewer: Viewer, name: string): Promise<TagView> {
  const tag = await tagForWriting(ctx, name);
  await markTag(ctx, "tag_follows", viewer.accountId, tag.id);
  return lookUpTag(ctx, viewer, tag.name);
}

export async function unfollowTag(ctx: Context, viewer: Viewer, name: string): Promise<TagView> {
  const tag = await tagForWriting(ctx, name);
  await unmarkTag(ctx, "tag_follows", viewer.accountId, tag.id);
  return lookUpTag(ctx, viewer, tag.name);
}

/** GET /api/v1/followed_tags, paged by the follow row. */
export async function listFollowedTags(
  ctx: Context,
  viewer: Viewer,
  page: Page,
): Promise<{ tags: TagView[]; cursors: string[] }> {
  const query = ctx.db.kysely
    .selectFrom("tag_follows as tf")
    .innerJoin("tags as t", "t.id", "tf.tag_id")
    .select(["t.id", "t.name", "tf.id as row_id"])
    .where("tf.account_id", "=", viewer.accountId);
  const rows = finishPage(await applyPage(query, "tf.id", page).execute(), page);
  return { tags: await tagViews(ctx, viewer, rows), cursors: rows.map((r) => r.row_id) };
}

/**
 * Puts a new public status (not a boost, author not limited) into the home feeds of the local
 * accounts following one of its tags and allowed to see it, as Mastodon's
 * deliver_to_hashtag_followers. One INSERT … SELECT; mutes apply when the feed is read.
 */
export async function fanOutToTagFollowers(ctx: Context, statusId: string): Promise<void> {
  const { kysely } = ctx.db;
  const status = await kysely
    .selectFrom("statuses as s")
    .innerJoin("accounts as a", "a.id", "s.account_id")
    .select((eb) => [
      "s.visibility",
      "s.reblog_of_id",
      "a.silenced_at",
      // Most statuses have no tags: then there is nobody to look for.
      eb
        .exists(
          eb.selectFrom("status_tags as t").select("t.tag_id").whereRef("t.status_id", "=", "s.id"),
        )
        .as("tagged"),
    ])
    .where("s.id", "=", statusId)
    .executeTakeFirst();
  if (status?.visibility !== "public" || status.reblog_of_id || status.silenced_at) return;
  if (!status.tagged) return;
  const followers = kysely
    .selectFrom("status_tags as st")
    .innerJoin("tag_follows as tf", "tf.tag_id", "st.tag_id")
    .innerJoin("accounts as r", "r.id", "tf.account_id")
    .innerJoin("statuses as s", "s.id", "st.status_id")
    .select(["tf.account_id", "s.id as status_id"])
    .distinct()
    .where("st.status_id", "=", statusId)
    .where("r.domain", "is", null)
    .where(visibleToAccountColumn("tf.account_id", "s"));
  const inserted = await kysely
    .insertInto("home_feed")
    .columns(["account_id", "status_id"])
    .expression(followers)
    .onConflict((oc) => oc.columns(["account_id", "status_id"]).doNothing())
    .returning("account_id")
    .execute();
  await streamToHomes(
    ctx,
    statusId,
    inserted.map((r) => r.account_id),
  );
}

/** Does anyone here follow one of these tags? (Makes a public post from afar worth keeping.) */
export async function tagsFollowedHere(ctx: Context, names: readonly string[]): Promise<boolean> {
  const keys = [...new Set(names.map((n) => n.toLowerCase()))].filter(
    (n) => n !== "" && !n.includes("\u0000"),
  );
  if (keys.length === 0) return false;
  const row = await ctx.db.kysely
    .selectFrom("tag_follows as tf")
    .innerJoin("tags as t", "t.id", "tf.tag_id")
    .select("tf.id")
    .where((eb) => eb(eb.fn("lower", ["t.name"]), "in", keys))
    .executeTakeFirst();
  return row !== undefined;
}
