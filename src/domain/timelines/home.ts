// The home timeline: the viewer's home_feed rows, newest first. The query is one range scan
// on the home_feed primary key (account_id, status_id) joined to statuses by ID; visibility
// and mutes are re-checked per row, so a feed row never grants access by itself. Members of
// the viewer's exclusive lists are left out here, when read (see list.ts).
import type { Context } from "../context.ts";
import { applyPage, type Page } from "../pagination.ts";
import type { Viewer } from "../viewer.ts";
import { visibleStatusFilter } from "../visibility.ts";
import { notMutedFilter } from "./filters.ts";
import { notInExclusiveListFilter } from "./list.ts";
import { type TimelinePage, toTimelinePage } from "./page.ts";

/** The viewer's home timeline as a query to refine (streaming asks it about one status). */
export function homeStatuses(ctx: Context, viewer: Viewer) {
  return ctx.db.kysely
    .selectFrom("home_feed as h")
    .innerJoin("statuses as s", "s.id", "h.status_id")
    .selectAll("s")
    .where("h.account_id", "=", viewer.accountId)
    .where(visibleStatusFilter(viewer, "s"))
    .where(notMutedFilter(viewer, "s"))
    .where(notInExclusiveListFilter(viewer, "s"));
}

export async function homeTimeline(
  ctx: Context,
  viewer: Viewer,
  page: Page,
): Promise<TimelinePage> {
  const rows = await applyPage(homeStatuses(ctx, viewer), "h.status_id", page).execute();
  return toTimelinePage(ctx, viewer, rows, page, { filterContext: "home" });
}
