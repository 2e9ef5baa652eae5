// The viewer's bookmarks and favourites, newest saved first. The cursor is the bookmark or
// favourite row's ID (as Mastodon), and a status that is no longer visible drops out.
import type { Context } from "../context.ts";
import { applyPage, type Page } from "../pagination.ts";
import type { Viewer } from "../viewer.ts";
import { visibleStatusFilter } from "../visibility.ts";
import { type TimelinePage, toTimelinePage } from "./page.ts";

export async function savedStatuses(
  ctx: Context,
  viewer: Viewer,
  table: "bookmarks" | "favourites",
  page: Page,
): Promise<TimelinePage> {
  const query = ctx.db.kysely
    // Both tables have the columns used here (favourites has a uri besides).
    .selectFrom(`${table as "bookmarks"} as saved`)
    .innerJoin("statuses as s", "s.id", "saved.status_id")
    .selectAll("s")
    .select("saved.id as cursor")
    .where("saved.account_id", "=", viewer.accountId)
    .where(visibleStatusFilter(viewer, "s"));
  const rows = await applyPage(query, "saved.id", page).execute();
  return toTimelinePage(ctx, viewer, rows, page);
}
