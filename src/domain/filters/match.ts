// Matching statuses against a viewer's active filters, as Mastodon's CustomFilter
// (cached_filters_for / apply_cached_filters): each filter's keywords become one
// case-insensitive regular expression; a whole-word keyword must not touch a word character
// ([[:word:]] as Onigmo reads it on Unicode text: letters, marks, digits, connector
// punctuation) on a side where it begins or ends with one. The text matched is the status's
// content warning, plain text, poll options and media descriptions (Status#searchable_text); a reblog is matched
// on its original. Expired filters are left out. keyword_matches holds the first match as it
// appears in the status, status_matches the filtered IDs among the status and its original.
import type { FilterAction, FilterContext } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { WORD } from "../statuses/entities.ts";
import { htmlToPlainText } from "../statuses/sanitize.ts";
import { type FilterRow, isExpired, parseContext, withRules } from "./filters.ts";

export interface FilterSummary {
  id: string;
  title: string;
  context: FilterContext[];
  action: FilterAction;
  expiresAt: string | null;
}

export interface FilterResult {
  filter: FilterSummary;
  keywordMatches: string[] | null;
  statusMatches: string[] | null;
}

export interface ActiveFilter {
  filter: FilterSummary;
  keywords: RegExp | null;
  statusIds: Set<string>;
}

/** What a status offers to be matched. */
export interface Matchable {
  id: string;
  reblogOfId: string | null;
  /** Status#searchable_text of the status (or of the original, for a reblog) */
  text: string;
}

const STARTS_WITH_WORD = new RegExp(`^[${WORD}]`, "u");
const ENDS_WITH_WORD = new RegExp(`[${WORD}]$`, "u");
// In `u` mode only syntax characters may be escaped.
const escapePattern = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");

export function keywordPattern(keyword: string, wholeWord: boolean): string {
  const body = escapePattern(keyword);
  if (!wholeWord) return body;
  const before = STARTS_WITH_WORD.test(keyword) ? `(?<![${WORD}])` : "";
  const after = ENDS_WITH_WORD.test(keyword) ? `(?![${WORD}])` : "";
  return `${before}${body}${after}`;
}

// Compiled expressions by source: filters are read per request (cheap, indexed), compiling is
// what repeats. Bounded, and simply emptied when full.
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 1000;

export function compileKeywords(keywords: { keyword: string; wholeWord: boolean }[]) {
  if (keywords.length === 0) return null;
  const source = keywords.map((k) => keywordPattern(k.keyword, k.wholeWord)).join("|");
  let regex = compiled.get(source);
  if (!regex) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    regex = new RegExp(source, "iu");
    compiled.set(source, regex);
  }
  return regex;
}

export const summarize = (row: FilterRow): FilterSummary => ({
  id: row.id,
  title: row.title,
  context: parseContext(row.context),
  action: row.action,
  expiresAt: row.expires_at,
});

/** The account's filters in force now, compiled; one query when it has none. */
export async function loadActiveFilters(
  ctx: Context,
  accountId: string,
  now = Date.now(),
): Promise<ActiveFilter[]> {
  const rows = await ctx.db.kysely
    .selectFrom("filters")
    .selectAll()
    .where("account_id", "=", accountId)
    .orderBy("id")
    .execute();
  const active = rows.filter((r) => !isExpired(r, now));
  return (await withRules(ctx, active)).map((f) => ({
    filter: summarize(f.row),
    keywords: compileKeywords(
      f.keywords.map((k) => ({ keyword: k.keyword, wholeWord: k.whole_word === 1 })),
    ),
    statusIds: new Set(f.statuses.map((s) => s.status_id)),
  }));
}

/**
 * The filters `status` matches, among those that apply in `context` (all of them without a
 * context: then the client decides, as Mastodon leaves it to clients).
 */
export function matchFilters(
  filters: readonly ActiveFilter[],
  status: Matchable,
  context?: FilterContext,
): FilterResult[] {
  const results: FilterResult[] = [];
  for (const { filter, keywords, statusIds } of filters) {
    if (context && !filter.context.includes(context)) continue;
    const match = keywords?.exec(status.text);
    const statusMatches = [status.id, status.reblogOfId].filter(
      (id): id is string => id !== null && statusIds.has(id),
    );
    if (!match && statusMatches.length === 0) continue;
    results.push({
      filter,
      keywordMatches: match ? [match[0]] : null,
      statusMatches: statusMatches.length > 0 ? statusMatches : null,
    });
  }
  return results;
}

/** Hidden in `context`: a matching filter there says `hide`. */
export const hides = (results: readonly FilterResult[]) =>
  results.some((r) => r.filter.action === "hide");

/**
 * Status#searchable_text: content warning, plain text (the source as written for local
 * statuses), poll options and media descriptions, joined by blank lines.
 */
export function searchableText(
  row: { local: number; text: string; content: string; spoiler_text: string },
  pollOptions: readonly string[] | null,
  mediaDescriptions: readonly (string | null)[] = [],
): string {
  const plain = row.local === 1 && row.text !== "" ? row.text : htmlToPlainText(row.content);
  const parts = [row.spoiler_text, plain];
  if (pollOptions) parts.push(pollOptions.join("\n\n"));
  for (const description of mediaDescriptions) if (description) parts.push(description);
  return parts.join("\n\n");
}
