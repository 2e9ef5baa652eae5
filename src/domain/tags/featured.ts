// Featured hashtags on a profile (Mastodon's featured_tags): at most ten per account, each
// shown with how many of the account's public and unlisted posts carry it and when the last
// one was. Featuring a tag twice keeps the one row, as Mastodon's CreateFeaturedTagService.
import { getVisibleAccount } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import { literalLimit } from "../pagination.ts";
import type { Viewer } from "../viewer.ts";
import { lookUpTag, markTag, type TagView, tagForWriting, tagViews, unmarkTag } from "./tags.ts";

/** Mastodon's FeaturedTag::LIMIT. */
export const FEATURED_TAGS_LIMIT = 10;
const SUGGESTIONS = 10;

export interface FeaturedTagView {
  id: string;
  name: string;
  /** the profile's address, which the tagged posts' URL builds on */
  accountUrl: string;
  statusesCount: number;
  lastStatusAt: string | null;
}

/** The featured tags of an account others may see (GET /api/v1/accounts/:id/featured_tags). */
export async function listFeaturedTags(
  ctx: Context,
  accountId: string,
): Promise<FeaturedTagView[]> {
  const account = await getVisibleAccount(ctx, accountId);
  if (account.suspended_at) return [];
  const rows = await ctx.db.kysely
    .selectFrom("featured_tags as f")
    .innerJoin("tags as t", "t.id", "f.tag_id")
    .select(["f.id", "f.tag_id", "t.name"])
    .select((eb) => [
      eb
        .selectFrom("status_tags as st")
        .innerJoin("statuses as s", "s.id", "st.status_id")
        .select((c) => c.fn.countAll<number>().as("n"))
        .whereRef("st.tag_id", "=", "f.tag_id")
        .where("s.account_id", "=", account.id)
        .where("s.visibility", "in", ["public", "unlisted"])
        .as("statuses_count"),
      eb
        .selectFrom("status_tags as st")
        .innerJoin("statuses as s", "s.id", "st.status_id")
        .select((c) => c.fn.max("s.created_at").as("at"))
        .whereRef("st.tag_id", "=", "f.tag_id")
        .where("s.account_id", "=", account.id)
        .where("s.visibility", "in", ["public", "unlisted"])
        .as("last_status_at"),
    ])
    .where("f.account_id", "=", account.id)
    .orderBy("f.id", "asc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    accountUrl: account.url ?? account.uri,
    statusesCount: Number(r.statuses_count ?? 0),
    lastStatusAt: r.last_status_at ? String(r.last_status_at).slice(0, 10) : null,
  }));
}

export async function featureTag(
  ctx: Context,
  viewer: Viewer,
  name: string,
): Promise<FeaturedTagView> {
  const tag = await tagForWriting(ctx, name);
  const { kysely } = ctx.db;
  const existing = await kysely
    .selectFrom("featured_tags")
    .select("id")
    .where("account_id", "=", viewer.accountId)
    .where("tag_id", "=", tag.id)
    .executeTakeFirst();
  if (!existing) {
    const count = await kysely
      .selectFrom("featured_tags")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("account_id", "=", viewer.accountId)
      .executeTakeFirst();
    if (Number(count?.n ?? 0) >= FEATURED_TAGS_LIMIT)
      throw validation(
        `Validation failed: You cannot feature more than ${FEATURED_TAGS_LIMIT} hashtags`,
      );
    await markTag(ctx, "featured_tags", viewer.accountId, tag.id);
  }
  const all = await listFeaturedTags(ctx, viewer.accountId);
  const mine = all.find((f) => f.name.toLowerCase() === tag.name.toLowerCase());
  if (!mine) throw notFound();
  return mine;
}

/** DELETE /api/v1/featured_tags/:id: only one's own. */
export async function unfeatureById(ctx: Context, viewer: Viewer, id: string): Promise<void> {
  const removed = await ctx.db.kysely
    .deleteFrom("featured_tags")
    .where("id", "=", id)
    .where("account_id", "=", viewer.accountId)
    .executeTakeFirst();
  if (Number(removed.numDeletedRows) === 0) throw notFound();
}

/** POST /api/v1/tags/:name/unfeature. */
export async function unfeatureTag(ctx: Context, viewer: Viewer, name: string): Promise<TagView> {
  const tag = await tagForWriting(ctx, name);
  await unmarkTag(ctx, "featured_tags", viewer.accountId, tag.id);
  return lookUpTag(ctx, viewer, tag.name);
}

/** Tags the viewer used lately and does not feature yet, most recently used first. */
export async function featuredTagSuggestions(ctx: Context, viewer: Viewer): Promise<TagView[]> {
  const rows = await ctx.db.kysely
    .selectFrom("status_tags as st")
    .innerJoin("statuses as s", "s.id", "st.status_id")
    .innerJoin("tags as t", "t.id", "st.tag_id")
    .select(["t.id", "t.name"])
    .select((eb) => eb.fn.max("s.id").as("last_used"))
    .where("s.account_id", "=", viewer.accountId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("featured_tags as f")
            .select("f.id")
            .whereRef("f.tag_id", "=", "t.id")
            .where("f.account_id", "=", viewer.accountId),
        ),
      ),
    )
    .groupBy(["t.id", "t.name"])
    .orderBy("last_used", "desc")
    .limit(literalLimit(SUGGESTIONS))
    .execute();
  return tagViews(ctx, viewer, rows);
}
