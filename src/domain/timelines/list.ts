// A list timeline, built when read: the statuses and reblogs of the list's members, newest
// first, through the visibility rule and the owner's mutes like the home timeline. Mastodon
// fans statuses out into a feed per list; reading them straight from `statuses` gives the same
// page (the members' rows are one range scan each on statuses(account_id, id)) without a second
// feed table to keep in step with memberships, unfollows and blocks.
//
// Direct statuses never appear (Mastodon fans out only public, unlisted and private ones to
// lists); a member's boosts are left out if the owner's follow hides them. Replies to someone
// other than the author follow `replies_policy`: a reply to the owner always shows; otherwise
// "followed" shows replies to anyone the owner follows, "list" to other members of the list,
// "none" no others.
import { type Expression, type SqlBool, sql } from "kysely";
import type { Context } from "../context.ts";
import { getOwnList, type ListRow } from "../lists/lists.ts";
import { applyPage, type Page } from "../pagination.ts";
import type { Viewer } from "../viewer.ts";
import { visibleStatusFilter } from "../visibility.ts";
import { notMutedFilter } from "./filters.ts";
import { type TimelinePage, toTimelinePage } from "./page.ts";

export async function listTimeline(
  ctx: Context,
  viewer: Viewer,
  listId: string,
  page: Page,
): Promise<TimelinePage> {
  const list = await getOwnList(ctx, viewer, listId);
  const rows = await applyPage(listStatuses(ctx, viewer, list), "s.id", page).execute();
  return toTimelinePage(ctx, viewer, rows, page, { filterContext: "home" });
}

/** The statuses of the viewer's own `list` as a query to refine (streaming asks it too). */
export function listStatuses(ctx: Context, viewer: Viewer, list: ListRow) {
  return ctx.db.kysely
    .selectFrom("list_accounts as la")
    .innerJoin("follows as lf", "lf.id", "la.follow_id")
    .innerJoin("statuses as s", "s.account_id", "la.account_id")
    .selectAll("s")
    .where("la.list_id", "=", list.id)
    .where("s.visibility", "in", ["public", "unlisted", "private"])
    .where((eb) => eb.or([eb("s.reblog_of_id", "is", null), eb("lf.show_reblogs", "=", 1)]))
    .where(repliesShown(list))
    .where(visibleStatusFilter(viewer, "s"))
    .where(notMutedFilter(viewer, "s"));
}

function repliesShown(list: ListRow): Expression<SqlBool> {
  const repliedTo = sql.ref("s.in_reply_to_account_id");
  const notAReplyToOthers = sql`(${repliedTo} IS NULL OR ${repliedTo} = s.account_id OR ${repliedTo} = ${list.account_id})`;
  switch (list.replies_policy) {
    case "followed":
      return sql<SqlBool>`(${notAReplyToOthers} OR EXISTS (SELECT 1 FROM follows rp_f WHERE rp_f.account_id = ${list.account_id} AND rp_f.target_account_id = ${repliedTo}))`;
    case "list":
      return sql<SqlBool>`(${notAReplyToOthers} OR EXISTS (SELECT 1 FROM list_accounts rp_l WHERE rp_l.list_id = ${list.id} AND rp_l.account_id = ${repliedTo}))`;
    default:
      return sql<SqlBool>`${notAReplyToOthers}`;
  }
}

/**
 * Hides, on a statuses table aliased `alias`, statuses (and boosts) by members of the viewer's
 * exclusive lists: the home timeline applies it when read, so making a list exclusive, adding
 * or removing a member takes effect at once with nothing to rewrite.
 */
export function notInExclusiveListFilter(viewer: Viewer, alias = "statuses"): Expression<SqlBool> {
  return sql<SqlBool>`NOT EXISTS (SELECT 1 FROM list_accounts ex_la INNER JOIN lists ex_l ON ex_l.id = ex_la.list_id WHERE ex_la.account_id = ${sql.ref(`${alias}.account_id`)} AND ex_l.account_id = ${viewer.accountId} AND ex_l.exclusive = 1)`;
}
