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
  createFilter,
  expiresAtFrom,
  type FilterKeywordRow,
  type FilterRow,
  getOwnFilter,
  keywordErrors,
  parseContext,
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
  const rows = await ctx.db.kysely
    .selectFrom("filter_keywords as k")
    .innerJoin("filters as f", "f.id", "k.filter_id")
    .selectAll("k")
    .select([
      "f.account_id",
      "f.title",
      "f.context",
      "f.action",
      "f.expires_at",
      "f.created_at as filter_created_at",
      "f.updated_at as filter_updated_at",
    ])
    .where("f.account_id", "=", viewer.accountId)
    .orderBy("f.id")
    .orderBy("k.id")
    .execute();
  return rows.map((r) => ({
    keyword: {
      id: r.id,
      filter_id: r.filter_id,
      keyword: r.keyword,
      whole_word: r.whole_word,
      created_at: r.created_at,
      updated_at: r.updated_at,
    },
    filter: {
      id: r.filter_id,
      account_id: r.account_id,
      title: r.title,
      context: r.context,
      action: r.action,
      expires_at: r.expires_at,
      created_at: r.filter_created_at,
      updated_at: r.filter_updated_at,
    },
  }));
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
  const action =
    input.irreversible === undefined ? row.action : input.irreversible ? "hide" : "warn";
  const context = input.context
    ? input.context.map((c) => c.trim()).filter((c) => c !== "")
    : filter.context;
  const changes = {
    title: input.phrase === undefined ? row.title : phrase,
    action,
    context: JSON.stringify(context),
    ...(input.expiresIn !== undefined ? { expires_at: expiresAtFrom(input.expiresIn) } : {}),
  };
  const filterChanged =
    changes.title !== row.title ||
    changes.action !== row.action ||
    JSON.stringify(context) !== JSON.stringify(parseContext(row.context)) ||
    input.expiresIn !== undefined;
  if (filterChanged && filter.keywords.length > 1) throw validation(MULTIPLE_KEYWORDS_ERROR);
  if (
    filterChanged &&
    (context.length === 0 || parseContext(changes.context).length < context.length)
  )
    throw validation("Validation failed: Context None or invalid context supplied");
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
