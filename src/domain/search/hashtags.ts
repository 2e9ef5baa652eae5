// Hashtags by name prefix (Mastodon's TagSearchService): shortest names first, so an exact
// match leads. Only tags the viewer could see used somewhere are offered: a tag that appears in
// nothing but someone's direct messages does not give its name away.
import { sql } from "kysely";
import { likeEscape } from "../accounts/search.ts";
import type { Context } from "../context.ts";
import { literalLimit } from "../pagination.ts";
import type { Viewer } from "../viewer.ts";
import { visibleStatusFilter } from "../visibility.ts";

export interface TagRow {
  id: string;
  name: string;
}

export interface HashtagSearch {
  q: string;
  limit: number;
  offset: number;
  /** Mastodon: only reviewed tags and the exact name. Kith reviews no tags, so: the exact name. */
  excludeUnreviewed: boolean;
}

/** A hashtag name as typed, without `#`; null when it is no hashtag at all. */
export function hashtagName(q: string): string | null {
  const name = q.trim().replace(/^#/, "");
  return /^[\p{L}\p{M}\p{N}_·]+$/u.test(name) ? name : null;
}

export async function searchHashtags(
  ctx: Context,
  viewer: Viewer | null,
  search: HashtagSearch,
): Promise<TagRow[]> {
  const name = hashtagName(search.q)?.toLowerCase();
  if (!name) return [];
  let q = ctx.db.kysely
    .selectFrom("tags as t")
    .select(["t.id", "t.name"])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("status_tags as st")
          .innerJoin("statuses as s", "s.id", "st.status_id")
          .select("st.status_id")
          .whereRef("st.tag_id", "=", "t.id")
          .where(visibleStatusFilter(viewer, "s")),
      ),
    );
  if (search.excludeUnreviewed) {
    q = q.where(sql<boolean>`lower(t.name) = ${name}`);
  } else if (ctx.db.dialect === "postgres") {
    // tags_name_prefix (text_pattern_ops) serves this LIKE.
    q = q.where(sql<boolean>`lower(t.name) LIKE ${`${likeEscape(name)}%`} ESCAPE '\\'`);
  } else {
    // A range on the lower(name) index; SQLite compares text by code point.
    q = q.where(sql<boolean>`lower(t.name) >= ${name} AND lower(t.name) < ${`${name}\u{10FFFF}`}`);
  }
  return q
    .orderBy(sql`length(t.name)`)
    .orderBy(sql`lower(t.name)`)
    .limit(literalLimit(search.limit))
    .offset(search.offset)
    .execute();
}
