// What every timeline returns: the statuses, ready to render, and the cursors the Link header
// is built from (the ordering column of the rows: a status ID, or a bookmark/favourite row ID).
import type { Context } from "../context.ts";
import { finishPage, type Page } from "../pagination.ts";
import type { StatusRow } from "../statuses/queries.ts";
import { loadStatusViews, type StatusView, type StatusViewOptions } from "../statuses/views.ts";
import type { Viewer } from "../viewer.ts";

export interface TimelinePage {
  statuses: StatusView[];
  cursors: string[];
}

export const EMPTY_PAGE: TimelinePage = { statuses: [], cursors: [] };

/**
 * Puts a fetched page in order and loads what rendering needs. The cursors are those of every
 * fetched row, so a page that the viewer's `hide` filters shortened still links on correctly.
 */
export async function toTimelinePage(
  ctx: Context,
  viewer: Viewer | null,
  rows: (StatusRow & { cursor?: string })[],
  page: Page,
  options: StatusViewOptions = {},
): Promise<TimelinePage> {
  const ordered = finishPage(rows, page);
  const statuses = await loadStatusViews(
    ctx,
    viewer,
    ordered.map(({ cursor: _, ...row }) => row as StatusRow),
    options,
  );
  return { statuses, cursors: ordered.map((r) => r.cursor ?? r.id) };
}
