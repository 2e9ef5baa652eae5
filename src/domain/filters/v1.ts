// The v1 filters API on top of v2 filters, as Mastodon 4 keeps it: a v1 filter is one keyword
// (its ID is the keyword's) seen with its filter's context, expiry and action (`irreversible`
// is `hide`). Creating one makes a filter titled after the phrase with that one keyword;
// deleting one removes the keyword. Changing the filter's own settings through v1 is refused
// when the filter has several keywords, since they would all change.
import { type Context, inTransaction } from "../context.ts";
import { validation } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import type { Viewer } from "../viewer.ts";
import {
  checkFilter,
  createFilter,
  expiresAtFrom,
  type FilterKeywordRow,
  type FilterRow,
  getOwnFilter,
  keywordErrors,
  listFilters,
} from "./filters.ts";
import { deleteKeyword, getOwnKeyword } from "./rules.ts";

export interface V1Filter {
  keyword: FilterKeywordRow;
  filter: FilterRow;
}

export interface V1FilterInput {
  phrase?: string;
  context?: string[];
  irreversible?: boolean;
  wholeWord?: boolean;
  expiresIn?: number | null;
}

export const MULTIPLE_KEYWORDS_ERROR =
  "These parameters cannot be changed from this application because they apply to more than one filter keyword. Use a more recent application or the web interface.";

export async function listV1Filters(ctx: Context, viewer: Viewer): Promise<V1Filter[]> {
  const filters = await listFilters(ctx, viewer);
  return filters.flatMap((f) => f.keywords.map((keyword) => ({ keyword, filter: f.row })));
}

export async function getV1Filter(ctx: Context, viewer: Viewer, id: string): Promise<V1Filter> {
  const keyword = await getOwnKeyword(ctx, viewer, id);
  const { row } = await getOwnFilter(ctx, viewer, keyword.filter_id);
  return { keyword, filter: row };
}

export async function createV1Filter(
  ctx: Context,
  viewer: Viewer,
  input: V1FilterInput,
): Promise<V1Filter> {
  const phrase = input.phrase ?? "";
  const errors = keywordErrors(phrase);
  if (errors.length > 0) throw validation(`Validation failed: ${errors.join(", ")}`);
  const filter = await createFilter(ctx, viewer, {
    title: phrase,
    context: input.context ?? [],
    action: input.irreversible ? "hide" : "warn",
    expiresIn: input.expiresIn ?? null,
    keywords: [{ keyword: phrase, wholeWord: input.wholeWord }],
  });
  return { keyword: filter.keywords[0]!, filter: filter.row };
}

export async function updateV1Filter(
  ctx: Context,
  viewer: Viewer,
  id: string,
  input: V1FilterInput,
): Promise<V1Filter> {
  const keyword = await getOwnKeyword(ctx, viewer, id);
  const filter = await getOwnFilter(ctx, viewer, keyword.filter_id);
  const phrase = input.phrase ?? keyword.keyword;
  const errors = keywordErrors(phrase);
  if (errors.length > 0) throw validation(`Validation failed: ${errors.join(", ")}`);
  const { row } = filter;
  const title = input.phrase === undefined ? row.title : phrase;
  const action =
    input.irreversible === undefined ? row.action : input.irreversible ? "hide" : "warn";
  const contextGiven = input.context ?? filter.context;
  const filterChanged =
    title !== row.title ||
    action !== row.action ||
    JSON.stringify(contextGiven) !== JSON.stringify(filter.context) ||
    input.expiresIn !== undefined;
  if (filterChanged && filter.keywords.length > 1) throw validation(MULTIPLE_KEYWORDS_ERROR);
  const changes = {
    title,
    action,
    context: JSON.stringify(checkFilter(title, contextGiven, action)),
    ...(input.expiresIn !== undefined ? { expires_at: expiresAtFrom(input.expiresIn) } : {}),
  };
  const now = new Date().toISOString();
  await inTransaction(ctx, async (tctx, trx) => {
    await trx
      .updateTable("filter_keywords")
      .set({
        keyword: phrase,
        ...(input.wholeWord !== undefined ? { whole_word: input.wholeWord ? 1 : 0 } : {}),
        updated_at: now,
      })
      .where("id", "=", keyword.id)
      .execute();
    if (filterChanged)
      await trx
        .updateTable("filters")
        .set({ ...changes, updated_at: now })
        .where("id", "=", row.id)
        .execute();
    await emitDomainEvent(tctx, { type: "filters.changed", accountId: viewer.accountId });
  });
  return getV1Filter(ctx, viewer, id);
}

/** Removes the keyword (its filter stays, as in Mastodon). */
export const deleteV1Filter = deleteKeyword;
