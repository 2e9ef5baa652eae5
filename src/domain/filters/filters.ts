// A user's keyword filters, as Mastodon's CustomFilter (v2): a title, the contexts it applies in
// (home, notifications, public, thread, account), an action (warn, hide, or 4.4's blur), an
// optional expiry, and the keywords and statuses it matches. A filter is its owner's alone:
// anyone else's is "not found". Every change emits `filters.changed` in its transaction.
import type { Selectable } from "kysely";
import { isId, newId } from "../../db/ids.ts";
import type {
  FilterAction,
  FilterContext,
  FilterKeywordsTable,
  FilterStatusesTable,
  FiltersTable,
} from "../../db/schema.ts";
import { type Context, inTransaction } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import type { Viewer } from "../viewer.ts";

export type FilterRow = Selectable<FiltersTable>;
export type FilterKeywordRow = Selectable<FilterKeywordsTable>;
export type FilterStatusRow = Selectable<FilterStatusesTable>;

export const FILTER_CONTEXTS: readonly FilterContext[] = [
  "home",
  "notifications",
  "public",
  "thread",
  "account",
];
export const FILTER_ACTIONS: readonly FilterAction[] = ["warn", "hide", "blur"];
/** Mastodon bounds keywords (CustomFilterKeyword::KEYWORD_LENGTH_LIMIT), not titles; Kith both. */
export const MAX_KEYWORD_LENGTH = 512;
export const MAX_TITLE_LENGTH = 256;

export interface Filter {
  row: FilterRow;
  context: FilterContext[];
  keywords: FilterKeywordRow[];
  statuses: FilterStatusRow[];
}

/** A nested keyword, as `keywords_attributes[]`: with `id` it changes (or with `destroy` removes) one. */
export interface KeywordAttributes {
  id?: string;
  keyword?: string;
  wholeWord?: boolean;
  destroy?: boolean;
}

export interface FilterInput {
  title?: string;
  context?: string[];
  action?: string;
  /** seconds from now; null: never expires; undefined: unchanged */
  expiresIn?: number | null;
  keywords?: KeywordAttributes[];
}

export function parseContext(json: string): FilterContext[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value)
      ? value.filter((c): c is FilterContext => FILTER_CONTEXTS.includes(c as FilterContext))
      : [];
  } catch {
    return [];
  }
}

export const isExpired = (row: Pick<FilterRow, "expires_at">, now = Date.now()) =>
  row.expires_at !== null && Date.parse(row.expires_at) <= now;

/** Rails' full messages, joined as ActiveRecord::RecordInvalid shows them. */
function fail(errors: string[]): never {
  throw validation(`Validation failed: ${errors.join(", ")}`);
}

export function keywordErrors(keyword: string, prefix = "Keyword"): string[] {
  if (keyword.trim() === "") return [`${prefix} can't be blank`];
  if ([...keyword].length > MAX_KEYWORD_LENGTH)
    return [`${prefix} is too long (maximum is ${MAX_KEYWORD_LENGTH} characters)`];
  return [];
}

/** About a hundred years: far enough for anyone, near enough to be a date. */
export const MAX_EXPIRES_IN = 100 * 365 * 86_400;

export function expiresAtFrom(seconds: number | null): string | null {
  if (seconds === null) return null;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_EXPIRES_IN)
    throw validation(
      `Validation failed: Expires in must be a number of seconds up to ${MAX_EXPIRES_IN}`,
    );
  return new Date(Date.now() + seconds * 1000).toISOString();
}

/** Checks title, context and action; returns the normalised context (blanks dropped). */
export function checkFilter(title: string, context: string[], action: string): FilterContext[] {
  const errors: string[] = [];
  if (title.trim() === "") errors.push("Title can't be blank");
  else if ([...title].length > MAX_TITLE_LENGTH)
    errors.push(`Title is too long (maximum is ${MAX_TITLE_LENGTH} characters)`);
  const cleaned = context.map((c) => c.trim()).filter((c) => c !== "");
  if (cleaned.length === 0) errors.push("Context can't be blank");
  if (cleaned.length === 0 || cleaned.some((c) => !FILTER_CONTEXTS.includes(c as FilterContext)))
    errors.push("Context None or invalid context supplied");
  if (!FILTER_ACTIONS.includes(action as FilterAction))
    errors.push("Filter action is not included in the list");
  if (errors.length > 0) fail(errors);
  return [...new Set(cleaned)] as FilterContext[];
}

/** Rails' `reject_if: :all_blank`: an entry with nothing filled in (but `_destroy`) is skipped. */
const allBlank = (k: KeywordAttributes) =>
  (k.id === undefined || k.id === "") &&
  (k.keyword === undefined || k.keyword === "") &&
  k.wholeWord === undefined;

export async function listFilters(ctx: Context, viewer: Viewer): Promise<Filter[]> {
  const rows = await ctx.db.kysely
    .selectFrom("filters")
    .selectAll()
    .where("account_id", "=", viewer.accountId)
    .orderBy("id")
    .execute();
  return withRules(ctx, rows);
}

/** The viewer's own filter row, else "not found". */
export async function getOwnFilterRow(ctx: Context, viewer: Viewer, id: string) {
  if (!isId(id)) throw notFound();
  const row = await ctx.db.kysely
    .selectFrom("filters")
    .selectAll()
    .where("id", "=", id)
    .where("account_id", "=", viewer.accountId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function getOwnFilter(ctx: Context, viewer: Viewer, id: string): Promise<Filter> {
  const [filter] = await withRules(ctx, [await getOwnFilterRow(ctx, viewer, id)]);
  return filter!;
}

/** Filters with their keywords and statuses, two queries for any number of filters. */
export async function withRules(ctx: Context, rows: FilterRow[]): Promise<Filter[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const keywords = await ctx.db.kysely
    .selectFrom("filter_keywords")
    .selectAll()
    .where("filter_id", "in", ids)
    .orderBy("id")
    .execute();
  const statuses = await ctx.db.kysely
    .selectFrom("filter_statuses")
    .selectAll()
    .where("filter_id", "in", ids)
    .orderBy("id")
    .execute();
  return rows.map((row) => ({
    row,
    context: parseContext(row.context),
    keywords: keywords.filter((k) => k.filter_id === row.id),
    statuses: statuses.filter((s) => s.filter_id === row.id),
  }));
}

export async function createFilter(
  ctx: Context,
  viewer: Viewer,
  input: FilterInput,
): Promise<Filter> {
  const context = checkFilter(input.title ?? "", input.context ?? [], input.action ?? "warn");
  const keywords = (input.keywords ?? []).filter((k) => !allBlank(k));
  // A new filter has no keywords to point at (Mastodon answers 404).
  if (keywords.some((k) => k.id !== undefined && k.id !== "")) throw notFound();
  const added = keywords.filter((k) => !k.destroy);
  const errors = added.flatMap((k) => keywordErrors(k.keyword ?? "", "Keywords keyword"));
  if (errors.length > 0) fail([...new Set(errors)]);
  const now = new Date().toISOString();
  const row: FilterRow = {
    id: newId(),
    account_id: viewer.accountId,
    title: (input.title ?? "").trim(),
    context: JSON.stringify(context),
    action: (input.action ?? "warn") as FilterAction,
    expires_at: expiresAtFrom(input.expiresIn ?? null),
    created_at: now,
    updated_at: now,
  };
  await inTransaction(ctx, async (tctx, trx) => {
    await trx.insertInto("filters").values(row).execute();
    for (const k of added) await insertKeyword(tctx, row.id, k.keyword ?? "", k.wholeWord);
    await emitDomainEvent(tctx, { type: "filters.changed", accountId: viewer.accountId });
  });
  return getOwnFilter(ctx, viewer, row.id);
}

export async function updateFilter(
  ctx: Context,
  viewer: Viewer,
  id: string,
  input: FilterInput,
): Promise<Filter> {
  const current = await getOwnFilter(ctx, viewer, id);
  const { row } = current;
  const title = input.title ?? row.title;
  const action = input.action ?? row.action;
  const context = checkFilter(title, input.context ?? current.context, action);
  const entries = (input.keywords ?? []).filter((k) => !allBlank(k));
  const ownKeyword = (kid: string) => current.keywords.find((k) => k.id === kid);
  if (entries.some((k) => k.id !== undefined && k.id !== "" && !ownKeyword(k.id))) throw notFound();
  const errors = entries.flatMap((k) =>
    k.destroy || (k.id && k.keyword === undefined)
      ? []
      : keywordErrors(k.keyword ?? "", "Keywords keyword"),
  );
  if (errors.length > 0) fail([...new Set(errors)]);
  await inTransaction(ctx, async (tctx, trx) => {
    const now = new Date().toISOString();
    await trx
      .updateTable("filters")
      .set({
        title: title.trim(),
        context: JSON.stringify(context),
        action: action as FilterAction,
        ...(input.expiresIn !== undefined ? { expires_at: expiresAtFrom(input.expiresIn) } : {}),
        updated_at: now,
      })
      .where("id", "=", row.id)
      .execute();
    for (const k of entries) {
      if (!k.id) {
        if (!k.destroy) await insertKeyword(tctx, row.id, k.keyword ?? "", k.wholeWord);
      } else if (k.destroy) {
        await trx.deleteFrom("filter_keywords").where("id", "=", k.id).execute();
      } else {
        await trx
          .updateTable("filter_keywords")
          .set({
            ...(k.keyword !== undefined ? { keyword: k.keyword } : {}),
            ...(k.wholeWord !== undefined ? { whole_word: k.wholeWord ? 1 : 0 } : {}),
            updated_at: now,
          })
          .where("id", "=", k.id)
          .execute();
      }
    }
    await emitDomainEvent(tctx, { type: "filters.changed", accountId: viewer.accountId });
  });
  return getOwnFilter(ctx, viewer, row.id);
}

/** Deletes the filter; its keywords and statuses go with it (foreign keys). */
export async function deleteFilter(ctx: Context, viewer: Viewer, id: string): Promise<void> {
  const row = await getOwnFilterRow(ctx, viewer, id);
  await inTransaction(ctx, async (tctx, trx) => {
    await trx.deleteFrom("filters").where("id", "=", row.id).execute();
    await emitDomainEvent(tctx, { type: "filters.changed", accountId: viewer.accountId });
  });
}

/** Adds a keyword row (whole_word defaults to true, as Mastodon's column does). */
export async function insertKeyword(
  ctx: Context,
  filterId: string,
  keyword: string,
  wholeWord: boolean | undefined,
): Promise<FilterKeywordRow> {
  const now = new Date().toISOString();
  const row: FilterKeywordRow = {
    id: newId(),
    filter_id: filterId,
    keyword,
    whole_word: wholeWord === false ? 0 : 1,
    created_at: now,
    updated_at: now,
  };
  await ctx.db.kysely.insertInto("filter_keywords").values(row).execute();
  return row;
}
