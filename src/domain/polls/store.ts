// Poll rows: reading them (JSON columns parsed), storing a new one with its status, and
// locking one while votes change.
import type { Selectable } from "kysely";
import { isId, newId } from "../../db/ids.ts";
import type { PollsTable } from "../../db/schema.ts";
import type { Context } from "../context.ts";

export type PollRow = Selectable<PollsTable>;

export interface Poll {
  id: string;
  statusId: string;
  accountId: string;
  options: string[];
  /** votes per option, in the order of `options` */
  tallies: number[];
  multiple: boolean;
  hideTotals: boolean;
  expiresAt: string | null;
  votesCount: number;
  votersCount: number | null;
  updatedAt: string;
}

function parseList<T>(json: string, item: (v: unknown) => T | null): T[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.flatMap((v) => item(v) ?? []) : [];
  } catch {
    return [];
  }
}

export function toPoll(row: PollRow): Poll {
  const options = parseList(row.options, (v) => (typeof v === "string" ? v : null));
  const counts = parseList(row.cached_tallies, (v) => (typeof v === "number" ? v : null));
  return {
    id: row.id,
    statusId: row.status_id,
    accountId: row.account_id,
    options,
    tallies: options.map((_, i) => counts[i] ?? 0),
    multiple: row.multiple === 1,
    hideTotals: row.hide_totals === 1,
    expiresAt: row.expires_at,
    votesCount: Number(row.votes_count),
    votersCount: row.voters_count === null ? null : Number(row.voters_count),
    updatedAt: row.updated_at,
  };
}

export function isExpired(poll: Pick<Poll, "expiresAt">, now = Date.now()): boolean {
  return poll.expiresAt !== null && Date.parse(poll.expiresAt) <= now;
}

export async function findPoll(ctx: Context, id: string): Promise<Poll | null> {
  if (!isId(id)) return null;
  const row = await ctx.db.kysely
    .selectFrom("polls")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? toPoll(row) : null;
}

export async function findPollOfStatus(ctx: Context, statusId: string): Promise<Poll | null> {
  const row = await ctx.db.kysely
    .selectFrom("polls")
    .selectAll()
    .where("status_id", "=", statusId)
    .executeTakeFirst();
  return row ? toPoll(row) : null;
}

/**
 * The poll, read again inside a transaction and, on PostgreSQL, locked until it ends, so that
 * two votes at once cannot both pass the "already voted" check or lose a tally (SQLite has a
 * single writer anyway).
 */
export async function lockPoll(trx: Context, id: string): Promise<Poll | null> {
  let query = trx.db.kysely.selectFrom("polls").selectAll().where("id", "=", id);
  if (trx.db.dialect === "postgres") query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? toPoll(row) : null;
}

/** What a stored poll holds besides its status and author. */
export interface PollFields {
  options: readonly string[];
  tallies?: readonly number[];
  multiple: boolean;
  hideTotals: boolean;
  expiresAt: string | null;
  votersCount?: number | null;
}

export function pollColumns(fields: PollFields, now: string) {
  const tallies = fields.options.map((_, i) => Math.max(0, fields.tallies?.[i] ?? 0));
  return {
    options: JSON.stringify(fields.options),
    cached_tallies: JSON.stringify(tallies),
    multiple: fields.multiple ? 1 : 0,
    hide_totals: fields.hideTotals ? 1 : 0,
    expires_at: fields.expiresAt,
    votes_count: tallies.reduce((a, b) => a + b, 0),
    voters_count: fields.votersCount === undefined ? 0 : fields.votersCount,
    updated_at: now,
  };
}

/** Stores the poll of a new status; call it in the status's transaction. */
export async function insertPoll(
  ctx: Context,
  statusId: string,
  accountId: string,
  fields: PollFields,
): Promise<string> {
  const id = newId();
  const now = new Date().toISOString();
  await ctx.db.kysely
    .insertInto("polls")
    .values({
      id,
      status_id: statusId,
      account_id: accountId,
      created_at: now,
      ...pollColumns(fields, now),
    })
    .execute();
  return id;
}
