// THE ONE PLACE where a viewer's keyword filters will apply to streamed statuses.
//
// Keyword filters (Mastodon's /api/v2/filters) are being added separately. When they land,
// this function loads the viewer's filters that apply in `context` ("home" for the user and
// list streams, "public" for public and hashtag streams) and returns null for a status a
// "hide" filter matches, or the view with its `filtered` results for a "warn" filter, so
// every stream honours them as REST timelines do. Until then it lets every status through.
import type { Context } from "../context.ts";
import type { StatusView } from "../statuses/views.ts";
import type { Viewer } from "../viewer.ts";

export type FilterContext = "home" | "public" | "notifications" | "thread" | "account";

export async function applyKeywordFilters(
  _ctx: Context,
  _viewer: Viewer,
  _context: FilterContext,
  view: StatusView,
): Promise<StatusView | null> {
  return view;
}
