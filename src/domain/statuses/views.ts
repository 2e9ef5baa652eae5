// Everything needed to render a page of statuses, loaded for the whole page at once: a fixed
// number of queries whatever the page size (authors, originals of reblogs, mentions, tags,
// applications, and the viewer's own favourites, reblogs, bookmarks, pins and muted threads)
// and the viewer's keyword filters (filters/match.ts).
import { sql } from "kysely";
import type { FilterContext } from "../../db/schema.ts";
import type { AccountRow } from "../accounts/queries.ts";
import { getAccounts } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import {
  type FilterResult,
  hides,
  loadActiveFilters,
  matchFilters,
  searchableText,
} from "../filters/match.ts";
import { loadStatusMedia, type MediaRow } from "../media/queries.ts";
import { loadPollViews, type PollView } from "../polls/views.ts";
import type { Viewer } from "../viewer.ts";
import { getStatusRows, type StatusRow } from "./queries.ts";

export interface ViewerFlags {
  favourited: boolean;
  reblogged: boolean;
  bookmarked: boolean;
  pinned: boolean;
  muted: boolean;
}

export interface StatusView {
  row: StatusRow;
  account: AccountRow;
  mentions: AccountRow[];
  tags: string[];
  /** Only for the viewer's own statuses (Mastodon shows the app to the author alone). */
  application: { name: string; website: string | null } | null;
  /** Whether the viewer's own status (so `application` and `pinned` apply). */
  own: boolean;
  /** null without a signed-in viewer */
  flags: ViewerFlags | null;
  reblog: StatusView | null;
  poll: PollView | null;
  /** The viewer's filters this status (or its original) matches; never the viewer's own. */
  filtered?: FilterResult[];
  /** Attachments, in order */
  media: MediaRow[];
  /** The source text, given back when a status is deleted (for delete-and-redraft). */
  source?: string;
}

export interface StatusViewOptions {
  /**
   * Where the statuses are listed: only filters for this context count, and statuses a `hide`
   * filter matches are left out. Without one (a single status, bookmarks…) every active filter
   * is reported and nothing is hidden, as Mastodon leaves that to clients.
   */
  filterContext?: FilterContext;
}

/**
 * Views of `rows`, in order. The caller has already applied the visibility rule to the rows;
 * originals of reblogs were covered by it too (a reblog is visible only if its original is).
 * Rows whose author is missing are dropped, and so are those the viewer's filters hide in
 * `options.filterContext` (a page may come out shorter; its cursors are the caller's rows).
 */
export async function loadStatusViews(
  ctx: Context,
  viewer: Viewer | null,
  rows: readonly StatusRow[],
  options: StatusViewOptions = {},
): Promise<StatusView[]> {
  if (rows.length === 0) return [];
  const { kysely } = ctx.db;
  const originals = await getStatusRows(
    ctx,
    rows.flatMap((r) => (r.reblog_of_id ? [r.reblog_of_id] : [])),
  );
  const all = [...rows, ...originals.values()];
  const ids = [...new Set(all.map((r) => r.id))];
  const me = viewer?.accountId ?? null;

  // Silent mentions (dropped by an edit) still grant access but are not shown; nor are
  // mentions of suspended accounts (Mastodon's active_mentions).
  const mentionRows = await kysely
    .selectFrom("status_mentions")
    .innerJoin("accounts as ma", "ma.id", "status_mentions.account_id")
    .select(["status_mentions.status_id", "status_mentions.account_id"])
    .where("status_mentions.status_id", "in", ids)
    .where("status_mentions.silent", "=", 0)
    .where("ma.suspended_at", "is", null)
    .execute();
  const accounts = await getAccounts(ctx, [
    ...all.map((r) => r.account_id),
    ...mentionRows.map((m) => m.account_id),
  ]);
  const tagRows = await kysely
    .selectFrom("status_tags")
    .innerJoin("tags", "tags.id", "status_tags.tag_id")
    .select(["status_tags.status_id", "tags.name"])
    .where("status_tags.status_id", "in", ids)
    .orderBy("tags.name")
    .execute();
  const appIds = [
    ...new Set(
      all.flatMap((r) => (r.account_id === me && r.application_id ? [r.application_id] : [])),
    ),
  ];
  const apps = appIds.length
    ? await kysely
        .selectFrom("oauth_applications")
        .select(["id", "name", "website"])
        .where("id", "in", appIds)
        .execute()
    : [];
  const flags = me ? await loadFlags(ctx, me, all) : null;
  const polls = await loadPollViews(ctx, me, ids);
  const filters = me ? await loadActiveFilters(ctx, me) : [];
  const media = await loadStatusMedia(ctx, ids);

  const mentionsOf = group(
    mentionRows,
    (m) => m.status_id,
    (m) => accounts.get(m.account_id),
  );
  const tagsOf = group(
    tagRows,
    (t) => t.status_id,
    (t) => t.name,
  );
  const appById = new Map(apps.map((a) => [a.id, { name: a.name, website: a.website }]));

  const build = (row: StatusRow, reblog: StatusView | null): StatusView | null => {
    const account = accounts.get(row.account_id);
    if (!account) return null;
    const own = me !== null && row.account_id === me;
    return {
      row,
      account,
      mentions: (mentionsOf.get(row.id) ?? []).filter((a): a is AccountRow => a !== undefined),
      tags: tagsOf.get(row.id) ?? [],
      application: own && row.application_id ? (appById.get(row.application_id) ?? null) : null,
      own,
      flags: flags ? flags(row) : null,
      reblog,
      poll: polls.get(row.id) ?? null,
      media: media.get(row.id) ?? [],
    };
  };
  // As Mastodon's web client, the viewer's own statuses are never filtered.
  const filteredOf = (view: StatusView): FilterResult[] => {
    const proper = view.reblog ?? view;
    if (filters.length === 0 || proper.own) return [];
    const text = searchableText(
      proper.row,
      proper.poll?.poll.options ?? null,
      proper.media.map((m) => m.description),
    );
    const status = { id: view.row.id, reblogOfId: view.row.reblog_of_id, text };
    return matchFilters(filters, status, options.filterContext);
  };
  const views: StatusView[] = [];
  for (const row of rows) {
    let reblog: StatusView | null = null;
    if (row.reblog_of_id) {
      const original = originals.get(row.reblog_of_id);
      reblog = original ? build(original, null) : null;
      if (!reblog) continue;
    }
    const view = build(row, reblog);
    if (!view) continue;
    view.filtered = filteredOf(view);
    if (view.reblog) view.reblog.filtered = view.filtered;
    if (options.filterContext && hides(view.filtered)) continue;
    views.push(view);
  }
  return views;
}

/** The viewer's own marks on these statuses, read in one statement (one round trip). */
async function loadFlags(ctx: Context, me: string, rows: StatusRow[]) {
  const { kysely } = ctx.db;
  const ids = [...new Set(rows.map((r) => r.id))];
  const threads = [...new Set(rows.map((r) => r.thread_id))];
  const marked = (kind: string, table: "favourites" | "bookmarks" | "status_pins") =>
    kysely
      .selectFrom(table)
      .select([sql<string>`${sql.lit(kind)}`.as("kind"), "status_id as id"])
      .where("account_id", "=", me)
      .where("status_id", "in", ids);
  const found = await marked("favourited", "favourites")
    .unionAll(marked("bookmarked", "bookmarks"))
    .unionAll(marked("pinned", "status_pins"))
    .unionAll(
      kysely
        .selectFrom("statuses")
        .select([sql<string>`${sql.lit("reblogged")}`.as("kind"), "reblog_of_id as id"])
        .where("account_id", "=", me)
        .where("reblog_of_id", "in", ids)
        .$narrowType<{ id: string }>(),
    )
    .unionAll(
      kysely
        .selectFrom("conversation_mutes")
        .select([sql<string>`${sql.lit("muted")}`.as("kind"), "thread_id as id"])
        .where("account_id", "=", me)
        .where("thread_id", "in", threads),
    )
    .execute();
  const marks = new Set(found.map((r) => `${r.kind} ${r.id}`));
  return (row: StatusRow): ViewerFlags => ({
    favourited: marks.has(`favourited ${row.id}`),
    reblogged: marks.has(`reblogged ${row.id}`),
    bookmarked: marks.has(`bookmarked ${row.id}`),
    pinned: marks.has(`pinned ${row.id}`),
    muted: marks.has(`muted ${row.thread_id}`),
  });
}

function group<T, V>(items: T[], key: (t: T) => string, value: (t: T) => V): Map<string, V[]> {
  const map = new Map<string, V[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(value(item));
    else map.set(k, [value(item)]);
  }
  return map;
}
