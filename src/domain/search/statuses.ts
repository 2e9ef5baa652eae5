// Full-text search of statuses (Mastodon's StatusesSearchService), for signed-in viewers only.
//
// What can be found (crucial, and tested by test/http/search-privacy.test.ts):
//   - only statuses the viewer may see (visibility.ts), never reblogs, nothing by muted or
//     blocked accounts, limited accounts only when followed;
//   - and of those, the viewer's "library" — their own statuses and those they were
//     mentioned in, favourited, bookmarked, boosted or replied to — plus public statuses of
//     authors who opted in to search (`indexable`). `in:library` and `in:public` pick one.
import { type Expression, type SqlBool, sql } from "kysely";
import { findByHandle } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { applyPage, type Page } from "../pagination.ts";
import { notLimitedFilter, notMutedFilter } from "../timelines/filters.ts";
import { type TimelinePage, toTimelinePage } from "../timelines/page.ts";
import type { Viewer } from "../viewer.ts";
import { visibleStatusFilter } from "../visibility.ts";
import type { Clause, Filter, Scope, StatusQuery } from "./query.ts";

export interface StatusSearch {
  query: StatusQuery;
  /** only statuses by this account (the `account_id` parameter) */
  accountId?: string;
  page: Page;
  offset: number;
}

type Condition = Expression<SqlBool>;
const never = sql<SqlBool>`1 = 0`;
const always = sql<SqlBool>`1 = 1`;

/** Statuses in the viewer's library: theirs, or ones they were addressed in or acted on. */
function inLibrary(me: string): Condition {
  return sql<SqlBool>`(s.account_id = ${me}
    OR EXISTS (SELECT 1 FROM status_mentions lib_m WHERE lib_m.status_id = s.id AND lib_m.account_id = ${me})
    OR EXISTS (SELECT 1 FROM favourites lib_f WHERE lib_f.status_id = s.id AND lib_f.account_id = ${me})
    OR EXISTS (SELECT 1 FROM bookmarks lib_b WHERE lib_b.status_id = s.id AND lib_b.account_id = ${me})
    OR EXISTS (SELECT 1 FROM statuses lib_r WHERE lib_r.reblog_of_id = s.id AND lib_r.account_id = ${me})
    OR EXISTS (SELECT 1 FROM statuses lib_p WHERE lib_p.in_reply_to_id = s.id AND lib_p.account_id = ${me}))`;
}

/** Public statuses by authors who chose to be found by search. */
const inPublicIndex: Condition = sql<SqlBool>`(s.visibility = 'public' AND EXISTS (SELECT 1 FROM accounts idx_a WHERE idx_a.id = s.account_id AND idx_a.indexable = 1))`;

function scopeCondition(scope: Scope, me: string): Condition {
  if (scope === "library") return inLibrary(me);
  if (scope === "public") return inPublicIndex;
  return sql<SqlBool>`(${inLibrary(me)} OR ${inPublicIndex})`;
}

/** The start of the day after `date` (YYYY-MM-DD), as a timestamp. */
const nextDay = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString();

async function filterCondition(ctx: Context, viewer: Viewer, filter: Filter): Promise<Condition> {
  switch (filter.kind) {
    case "from": {
      const handle = filter.handle.replace(/^@/, "");
      const id =
        handle.toLowerCase() === "me" ? viewer.accountId : (await findByHandle(ctx, handle))?.id;
      return id ? sql<SqlBool>`s.account_id = ${id}` : never;
    }
    case "property":
      switch (filter.name) {
        case "reply":
          return sql<SqlBool>`(s.in_reply_to_id IS NOT NULL OR s.in_reply_to_uri IS NOT NULL)`;
        case "sensitive":
          return sql<SqlBool>`s.sensitive = 1`;
        case "link":
          return sql<SqlBool>`kith_has_link(s.content)`;
        case "media":
          return sql<SqlBool>`EXISTS (SELECT 1 FROM media_attachments sm WHERE sm.status_id = s.id)`;
        case "image":
        case "video":
        case "audio": {
          // Mastodon counts a gifv as a video.
          const types = filter.name === "video" ? ["video", "gifv"] : [filter.name];
          return sql<SqlBool>`EXISTS (SELECT 1 FROM media_attachments sm WHERE sm.status_id = s.id AND sm.type IN (${sql.join(types)}))`;
        }
        case "poll":
          return sql<SqlBool>`EXISTS (SELECT 1 FROM polls sp WHERE sp.status_id = s.id)`;
        default:
          // embed: Kith has no link cards, so nothing has one.
          return never;
      }
    case "language":
      return sql<SqlBool>`coalesce(lower(s.language), '') = ${filter.code}`;
    case "before":
      return sql<SqlBool>`s.created_at < ${`${filter.date}T00:00:00.000Z`}`;
    case "after":
      return sql<SqlBool>`s.created_at >= ${nextDay(filter.date)}`;
    case "during":
      return sql<SqlBool>`(s.created_at >= ${`${filter.date}T00:00:00.000Z`} AND s.created_at < ${nextDay(filter.date)})`;
  }
}

/** Statuses whose indexed text contains every one of `terms` (each a word or a phrase). */
function textMatches(ctx: Context, terms: readonly string[]): Condition {
  if (ctx.db.dialect === "postgres") {
    // phraseto_tsquery tokenises each term as the index did; && joins them.
    const query = sql.join(
      terms.map((t) => sql`phraseto_tsquery('simple', ${t})`),
      sql` && `,
    );
    return sql<SqlBool>`to_tsvector('simple'::regconfig, kith_search_text(s.content, s.spoiler_text)) @@ (${query})`;
  }
  // FTS5 strings are phrases; "" escapes a quote, so a term can never be read as syntax.
  const match = terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(" ");
  return sql<SqlBool>`s.id IN (SELECT printf('%018d', rowid) FROM status_search WHERE status_search MATCH ${match})`;
}

export async function searchStatuses(
  ctx: Context,
  viewer: Viewer,
  search: StatusSearch,
): Promise<TimelinePage> {
  const { query } = search;
  const me = viewer.accountId;
  let q = ctx.db.kysely
    .selectFrom("statuses as s")
    .selectAll("s")
    .where("s.reblog_of_id", "is", null)
    .where(visibleStatusFilter(viewer, "s"))
    .where(notMutedFilter(viewer, "s"))
    .where(notLimitedFilter(viewer, "s"))
    .where(scopeCondition(query.scope, me));
  if (search.accountId) q = q.where("s.account_id", "=", search.accountId);

  const wanted = query.terms.filter((t) => !t.negated).map((t) => t.value);
  if (wanted.length > 0) q = q.where(textMatches(ctx, wanted));
  for (const term of query.terms.filter((t) => t.negated))
    q = q.where(sql<SqlBool>`NOT ${textMatches(ctx, [term.value])}`);
  for (const filter of query.filters) q = q.where(await negatable(ctx, viewer, filter));

  let paged = applyPage(q, "s.id", search.page);
  if (search.offset > 0) paged = paged.offset(search.offset);
  const rows = await paged.execute();
  // Kith's choice: hide filters of the public context apply to search results too.
  return toTimelinePage(ctx, viewer, rows, search.page, { filterContext: "public" });
}

async function negatable(ctx: Context, viewer: Viewer, clause: Clause<Filter>) {
  const condition = await filterCondition(ctx, viewer, clause.value);
  if (!clause.negated) return condition;
  if (condition === never) return always;
  return sql<SqlBool>`NOT ${condition}`;
}
