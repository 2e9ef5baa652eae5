// Reading accounts: by ID, by handle, and in batches for rendering.
import type { Selectable } from "kysely";
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
