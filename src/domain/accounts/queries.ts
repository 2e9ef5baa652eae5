// Reading accounts: by ID, by handle, and in batches for rendering.
import { type Selectable, type SqlBool, sql } from "kysely";
import { isId } from "../../db/ids.ts";
import type { AccountsTable } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { notFound } from "../errors.ts";

export type AccountRow = Selectable<AccountsTable>;

export async function getAccount(ctx: Context, id: string): Promise<AccountRow> {
  const row = await ctx.db.kysely
    .selectFrom("accounts")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function getAccounts(
  ctx: Context,
  ids: readonly string[],
): Promise<Map<string, AccountRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.db.kysely
    .selectFrom("accounts")
    .selectAll()
    .where("id", "in", unique)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** Finds `user` (local) or `user@domain`; the local domain counts as local. */
export async function findByHandle(ctx: Context, handle: string): Promise<AccountRow | null> {
  const clean = handle.trim().replace(/^@/, "");
  const [username, domain] = clean.split("@") as [string, string | undefined];
  if (!username) return null;
  const local = !domain || domain.toLowerCase() === ctx.config.domain.toLowerCase();
  let q = ctx.db.kysely
    .selectFrom("accounts")
    .selectAll()
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()));
  q = local
    ? q.where("domain", "is", null)
    : q.where((eb) => eb(eb.fn("lower", ["domain"]), "=", domain.toLowerCase()));
  return (await q.executeTakeFirst()) ?? null;
}

/** `username` for local accounts, `username@domain` for remote ones (Mastodon's `acct`). */
export const acct = (a: Pick<AccountRow, "username" | "domain">) =>
  a.domain ? `${a.username}@${a.domain}` : a.username;

/**
 * May others see this account at all? A local account whose user is not yet approved or has
 * not confirmed their e-mail does not exist to others (Mastodon answers 404). Suspended
 * accounts do exist: they render as `suspended: true` with their data withheld.
 */
export function listedAccount(alias = "accounts") {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<SqlBool>`(${col("domain")} IS NOT NULL OR EXISTS (SELECT 1 FROM users lu WHERE lu.account_id = ${col("id")} AND lu.approved = 1 AND lu.confirmed_at IS NOT NULL))`;
}

/** The account if others may see it (see `listedAccount`), else a 404 DomainError. */
export async function getVisibleAccount(ctx: Context, id: string): Promise<AccountRow> {
  if (!isId(id)) throw notFound();
  const row = await ctx.db.kysely
    .selectFrom("accounts")
    .selectAll()
    .where("id", "=", id)
    .where(listedAccount())
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** The visible ones among `ids`, in the order asked for; unknown and garbage IDs are skipped. */
export async function getVisibleAccounts(
  ctx: Context,
  ids: readonly string[],
): Promise<AccountRow[]> {
  const wanted = [...new Set(ids.filter(isId))];
  if (wanted.length === 0) return [];
  const rows = await ctx.db.kysely
    .selectFrom("accounts")
    .selectAll()
    .where("id", "in", wanted)
    .where(listedAccount())
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return wanted.flatMap((id) => byId.get(id) ?? []);
}
