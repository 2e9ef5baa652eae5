// The operator's side of invite codes (made in registration-invites.ts): making one on behalf
// of a local account, listing them, and revoking one. Revoking expires the code now, as
// Mastodon's Invite#expire! does, so its uses stay on record.
import type { Context } from "../context.ts";
import { DomainError, notFound } from "../errors.ts";
import { createInvite } from "./registration-invites.ts";

export interface InviteSummary {
  code: string;
  uses: number;
  maxUses: number | null;
  expiresAt: string | null;
  createdAt: string;
  /** The local account it was made for, or null for the operator. */
  by: string | null;
  state: "usable" | "expired" | "used up";
}

export interface InviteRequest {
  maxUses?: number | null;
  expiresInHours?: number | null;
  /** A local username the invite is made in the name of. */
  by?: string | null;
}

export async function createInviteAs(
  ctx: Context,
  input: InviteRequest,
): Promise<{ code: string; maxUses: number | null; expiresAt: Date | null }> {
  if (input.maxUses != null && !(Number.isInteger(input.maxUses) && input.maxUses > 0))
    throw new DomainError("validation", "Max uses must be a whole number above 0");
  if (input.expiresInHours != null && !(input.expiresInHours > 0))
    throw new DomainError("validation", "Expires in must be a number of hours above 0");
  let accountId: string | null = null;
  if (input.by) {
    const account = await ctx.db.kysely
      .selectFrom("accounts")
      .innerJoin("users", "users.account_id", "accounts.id")
      .select(["accounts.id", "accounts.suspended_at"])
      .where((eb) => eb(eb.fn("lower", ["accounts.username"]), "=", input.by!.toLowerCase()))
      .where("accounts.domain", "is", null)
      .executeTakeFirst();
    if (!account) throw notFound();
    if (account.suspended_at) throw new DomainError("conflict", "The account is suspended");
    accountId = account.id;
  }
  const expiresAt =
    input.expiresInHours != null ? new Date(Date.now() + input.expiresInHours * 3_600_000) : null;
  const maxUses = input.maxUses ?? null;
  const { code } = await createInvite(ctx, { accountId, maxUses, expiresAt });
  return { code, maxUses, expiresAt };
}

/** Every invite, oldest first. */
export async function listInvites(ctx: Context): Promise<InviteSummary[]> {
  const rows = await ctx.db.kysely
    .selectFrom("invites")
    .leftJoin("accounts", "accounts.id", "invites.account_id")
    .select([
      "invites.code",
      "invites.uses",
      "invites.max_uses",
      "invites.expires_at",
      "invites.created_at",
      "accounts.username",
    ])
    .orderBy("invites.id")
    .execute();
  const now = new Date().toISOString();
  return rows.map((r) => ({
    code: r.code,
    uses: Number(r.uses),
    maxUses: r.max_uses === null ? null : Number(r.max_uses),
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    by: r.username ?? null,
    state:
      r.expires_at !== null && r.expires_at <= now
        ? "expired"
        : r.max_uses !== null && Number(r.uses) >= Number(r.max_uses)
          ? "used up"
          : "usable",
  }));
}

/** Expires the invite now; a code that is unknown or expired already is an error. */
export async function revokeInvite(ctx: Context, code: string): Promise<void> {
  const { kysely } = ctx.db;
  const row = await kysely
    .selectFrom("invites")
    .select(["id", "expires_at"])
    .where("code", "=", code)
    .executeTakeFirst();
  if (!row) throw notFound();
  const now = new Date().toISOString();
  if (row.expires_at !== null && row.expires_at <= now)
    throw new DomainError("conflict", "The invite has already expired");
  await kysely.updateTable("invites").set({ expires_at: now }).where("id", "=", row.id).execute();
}
