// Browser sessions for the server-rendered pages. The cookie holds 32 random bytes; the table
// holds only their SHA-256, so a database leak signs nobody in. Sessions last 30 days.
import type { Context } from "../context.ts";
import { hashSecret, randomToken } from "./tokens.ts";

export const SESSION_LIFETIME_MS = 30 * 86_400_000;

export async function createWebSession(
  ctx: Context,
  accountId: string,
  meta: { userAgent: string | null; ip: string | null },
): Promise<{ id: string; expiresAt: Date }> {
  const id = randomToken();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
  const { kysely } = ctx.db;
  await kysely.deleteFrom("web_sessions").where("expires_at", "<", now.toISOString()).execute();
  await kysely
    .insertInto("web_sessions")
    .values({
      id_hash: hashSecret(id),
      account_id: accountId,
      user_agent: meta.userAgent?.slice(0, 500) ?? null,
      ip: meta.ip,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
    })
    .execute();
  return { id, expiresAt };
}

/** The account a live session belongs to, or null. */
export async function findWebSession(ctx: Context, id: string): Promise<string | null> {
  if (!id || id.length > 100) return null;
  const row = await ctx.db.kysely
    .selectFrom("web_sessions")
    .select("account_id")
    .where("id_hash", "=", hashSecret(id))
    .where("expires_at", ">", new Date().toISOString())
    .executeTakeFirst();
  return row?.account_id ?? null;
}

export async function deleteWebSession(ctx: Context, id: string): Promise<void> {
  await ctx.db.kysely.deleteFrom("web_sessions").where("id_hash", "=", hashSecret(id)).execute();
}
