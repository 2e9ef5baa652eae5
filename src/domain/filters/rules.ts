// A filter's keywords and filtered statuses, as sub-resources (Mastodon's
// /api/v2/filters/:filter_id/keywords and …/statuses). Each belongs to the owner of its
// filter: anyone else's is "not found". Every change emits `filters.changed`.
import { isId, newId } from "../../db/ids.ts";
import { type Context, inTransaction } from "../context.ts";
import { DomainError, notFound, validation } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import { findVisibleStatus } from "../statuses/queries.ts";
import type { Viewer } from "../viewer.ts";
import {
  type FilterKeywordRow,
  type FilterStatusRow,
  getOwnFilterRow,
  insertKeyword,
  keywordErrors,
} from "./filters.ts";

const changed = (ctx: Context, viewer: Viewer) =>
  emitDomainEvent(ctx, { type: "filters.changed", accountId: viewer.accountId });

export async function listKeywords(ctx: Context, viewer: Viewer, filterId: string) {
  const filter = await getOwnFilterRow(ctx, viewer, filterId);
  return ctx.db.kysely
    .selectFrom("filter_keywords")
    .selectAll()
    .where("filter_id", "=", filter.id)
    .orderBy("id")
    .execute();
}

export async function addKeyword(
  ctx: Context,
  viewer: Viewer,
  filterId: string,
  input: { keyword?: string; wholeWord?: boolean },
): Promise<FilterKeywordRow> {
  const filter = await getOwnFilterRow(ctx, viewer, filterId);
  const errors = keywordErrors(input.keyword ?? "");
  if (errors.length > 0) throw validation(`Validation failed: ${errors.join(", ")}`);
  return inTransaction(ctx, async (tctx) => {
    const row = await insertKeyword(tctx, filter.id, input.keyword ?? "", input.wholeWord);
    await changed(tctx, viewer);
    return row;
  });
}

/** A keyword of one of the viewer's filters, else "not found". */
export async function getOwnKeyword(
  ctx: Context,
  viewer: Viewer,
  id: string,
): Promise<FilterKeywordRow> {
  if (!isId(id)) throw notFound();
  const row = await ctx.db.kysely
    .selectFrom("filter_keywords as k")
    .innerJoin("filters as f", "f.id", "k.filter_id")
    .selectAll("k")
    .where("k.id", "=", id)
    .where("f.account_id", "=", viewer.accountId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function updateKeyword(
  ctx: Context,
  viewer: Viewer,
  id: string,
  input: { keyword?: string; wholeWord?: boolean },
): Promise<FilterKeywordRow> {
  const current = await getOwnKeyword(ctx, viewer, id);
  const keyword = input.keyword ?? current.keyword;
  const errors = keywordErrors(keyword);
  if (errors.length > 0) throw validation(`Validation failed: ${errors.join(", ")}`);
  const changes = {
    keyword,
    whole_word: input.wholeWord === undefined ? current.whole_word : input.wholeWord ? 1 : 0,
    updated_at: new Date().toISOString(),
  };
  await inTransaction(ctx, async (tctx, trx) => {
    await trx.updateTable("filter_keywords").set(changes).where("id", "=", current.id).execute();
    await changed(tctx, viewer);
  });
  return { ...current, ...changes };
}

export async function deleteKeyword(ctx: Context, viewer: Viewer, id: string): Promise<void> {
  const row = await getOwnKeyword(ctx, viewer, id);
  await inTransaction(ctx, async (tctx, trx) => {
    await trx.deleteFrom("filter_keywords").where("id", "=", row.id).execute();
    await changed(tctx, viewer);
  });
}

export async function listFilterStatuses(ctx: Context, viewer: Viewer, filterId: string) {
  const filter = await getOwnFilterRow(ctx, viewer, filterId);
  return ctx.db.kysely
    .selectFrom("filter_statuses")
    .selectAll()
    .where("filter_id", "=", filter.id)
    .orderBy("id")
    .execute();
}

/**
 * Filters one status. As Mastodon, the owner must be able to see it; a status they cannot see
 * gets the same answer as one that does not exist, so its existence does not leak.
 */
export async function addFilterStatus(
  ctx: Context,
  viewer: Viewer,
  filterId: string,
  statusId: string | undefined,
): Promise<FilterStatusRow> {
  const filter = await getOwnFilterRow(ctx, viewer, filterId);
  const status = await findVisibleStatus(ctx, viewer, statusId ?? "").catch((error) => {
    if (error instanceof DomainError && error.kind === "not_found")
      throw validation("Validation failed: Status must exist");
    throw error;
  });
  return inTransaction(ctx, async (tctx, trx) => {
    const taken = await trx
      .selectFrom("filter_statuses")
      .select("id")
      .where("filter_id", "=", filter.id)
      .where("status_id", "=", status.id)
      .executeTakeFirst();
    if (taken) throw validation("Validation failed: Status has already been taken");
    const row: FilterStatusRow = {
      id: newId(),
      filter_id: filter.id,
      status_id: status.id,
      created_at: new Date().toISOString(),
    };
    await trx.insertInto("filter_statuses").values(row).execute();
    await changed(tctx, viewer);
    return row;
  });
}

export async function getOwnFilterStatus(
  ctx: Context,
  viewer: Viewer,
  id: string,
): Promise<FilterStatusRow> {
  if (!isId(id)) throw notFound();
  const row = await ctx.db.kysely
    .selectFrom("filter_statuses as fs")
    .innerJoin("filters as f", "f.id", "fs.filter_id")
    .selectAll("fs")
    .where("fs.id", "=", id)
    .where("f.account_id", "=", viewer.accountId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function deleteFilterStatus(ctx: Context, viewer: Viewer, id: string): Promise<void> {
  const row = await getOwnFilterStatus(ctx, viewer, id);
  await inTransaction(ctx, async (tctx, trx) => {
    await trx.deleteFrom("filter_statuses").where("id", "=", row.id).execute();
    await changed(tctx, viewer);
  });
}
