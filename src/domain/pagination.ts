// Mastodon's cursor pagination, for any list ordered by an ID-like column.
//   max_id: strictly older than; since_id: strictly newer than (newest first);
//   min_id: the page immediately newer than the cursor (still returned newest first).
import { type SelectQueryBuilder, sql } from "kysely";

export interface Page {
  maxId?: string;
  sinceId?: string;
  minId?: string;
  limit: number;
}

/**
 * Applies a page to a query ordered by `column`. Call `finishPage` on the rows: a `min_id` page
 * is fetched oldest-first (so it starts right after the cursor) and must be reversed.
 */
export function applyPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  // biome-ignore lint/suspicious/noExplicitAny: works for any table; the column is checked by the caller
  column: any,
  page: Page,
) {
  let q = query;
  if (page.maxId) q = q.where(column, "<", page.maxId);
  if (page.sinceId) q = q.where(column, ">", page.sinceId);
  if (page.minId) q = q.where(column, ">", page.minId);
  return q.orderBy(column, page.minId ? "asc" : "desc").limit(literalLimit(page.limit));
}

/**
 * A LIMIT written into the statement rather than bound: SQLite plans for an unknown `LIMIT ?`
 * and ran the home timeline's statement three times slower with one. Limits are small integers
 * checked by the API or constants, so each value is one cached statement.
 */
export function literalLimit(limit: number) {
  return sql.lit(Number.isSafeInteger(limit) && limit >= 0 ? limit : 0);
}

export function finishPage<T>(rows: T[], page: Page): T[] {
  return page.minId ? rows.reverse() : rows;
}
