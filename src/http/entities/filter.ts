// The Filter, FilterKeyword, FilterStatus and FilterResult entities (v2) and the V1 Filter.
import type { Filter, FilterKeywordRow, FilterStatusRow } from "../../domain/filters/filters.ts";
import { parseContext } from "../../domain/filters/filters.ts";
import type { FilterResult, FilterSummary } from "../../domain/filters/match.ts";
import type { V1Filter } from "../../domain/filters/v1.ts";

export const renderFilterKeyword = (k: FilterKeywordRow) => ({
  id: k.id,
  keyword: k.keyword,
  whole_word: k.whole_word === 1,
});

export const renderFilterStatus = (s: FilterStatusRow) => ({ id: s.id, status_id: s.status_id });

/** Inside a FilterResult the keywords and statuses are left out, as Mastodon does. */
const renderSummary = (f: FilterSummary) => ({
  id: f.id,
  title: f.title,
  context: f.context,
  expires_at: f.expiresAt,
  filter_action: f.action,
});

export const renderFilter = (f: Filter) => ({
  id: f.row.id,
  title: f.row.title,
  context: f.context,
  expires_at: f.row.expires_at,
  filter_action: f.row.action,
  keywords: f.keywords.map(renderFilterKeyword),
  statuses: f.statuses.map(renderFilterStatus),
});

export const renderFilterResult = (r: FilterResult) => ({
  filter: renderSummary(r.filter),
  keyword_matches: r.keywordMatches,
  status_matches: r.statusMatches,
});

export const renderV1Filter = ({ keyword, filter }: V1Filter) => ({
  id: keyword.id,
  phrase: keyword.keyword,
  context: parseContext(filter.context),
  whole_word: keyword.whole_word === 1,
  expires_at: filter.expires_at,
  irreversible: filter.action === "hide",
});
