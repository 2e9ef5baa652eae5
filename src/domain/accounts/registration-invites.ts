// Invite codes: a code lets someone sign up while registrations are closed, and skips the
// approval queue, until it runs out of uses or expires.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { newId } from "../../db/ids.ts";
import type { Database } from "../../db/schema.ts";
import type { Context } from "../context.ts";

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

function inviteCode(): string {
  return [...randomBytes(10)].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

export interface NewInvite {
  /** Who made it; null for the operator. */
  accountId?: string | null;
  /** null for unlimited */
  maxUses?: number | null;
  expiresAt?: Date | null;
}

export async function createInvite(
  ctx: Context,
  input: NewInvite = {},
): Promise<{ id: string; code: string }> {
  const id = newId();
  const code = inviteCode();
  await ctx.db.kysely
    .insertInto("invites")
    .values({
      id,
      code,
      account_id: input.accountId ?? null,
      max_uses: input.maxUses ?? null,
      expires_at: input.expiresAt?.toISOString() ?? null,
      created_at: new Date().toISOString(),
    })
    .execute();
  return { id, code };
}

/** The invite with this code if it can still be used, else null. */
export async function findUsableInvite(ctx: Context, code: string): Promise<{ id: string } | null> {
  if (!code || code.length > 64 || code.includes("\u0000")) return null;
  const now = new Date().toISOString();
  const row = await ctx.db.kysely
    .selectFrom("invites")
    .select(["id", "max_uses", "uses", "expires_at"])
    .where("code", "=", code)
    .executeTakeFirst();
  if (!row) return null;
  if (row.max_uses !== null && row.uses >= row.max_uses) return null;
  if (row.expires_at !== null && row.expires_at <= now) return null;
  return { id: row.id };
}

/** Counts one use, unless the invite ran out meanwhile; true when the use was counted. */
export async function consumeInvite(db: Kysely<Database>, id: string): Promise<boolean> {
  const now = new Date().toISOString();
  const result = await db
    .updateTable("invites")
    .set((eb) => ({ uses: eb("uses", "+", 1) }))
    .where("id", "=", id)
    .where((eb) =>
      eb.and([
        eb.or([eb("max_uses", "is", null), eb("uses", "<", eb.ref("max_uses"))]),
        eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
