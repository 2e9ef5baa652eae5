// Checking an e-mail address and password, for the sign-in page and the (development-only)
// password grant. Wrong address and wrong password look the same from outside, in time too.
import { hashPassword, verifyPassword } from "../accounts/passwords.ts";
import type { Context } from "../context.ts";
import { loadViewer, type Viewer } from "../viewer.ts";

let dummyHash: Promise<string> | undefined;

/** The account whose credentials these are, or null. Says nothing about whether it may act. */
export async function checkCredentials(
  ctx: Context,
  email: string,
  password: string,
): Promise<{ accountId: string; userId: string } | null> {
  if (!email || !password || email.length > 320 || Buffer.byteLength(password) > 1024) return null;
  // PostgreSQL refuses NUL in text; no stored address contains one.
  if (email.includes("\u0000")) return null;
  const row = await ctx.db.kysely
    .selectFrom("users")
    .innerJoin("accounts", "accounts.id", "users.account_id")
    .select(["users.id", "users.account_id", "users.password_hash"])
    .where((eb) => eb(eb.fn("lower", ["users.email"]), "=", email.trim().toLowerCase()))
    .where("accounts.domain", "is", null)
    .executeTakeFirst();
  if (!row) {
    // Spend the same effort as a real check, so response times do not reveal who has an account.
    dummyHash ??= hashPassword("not a real password, only for timing");
    await verifyPassword(await dummyHash, password);
    return null;
  }
  if (!(await verifyPassword(row.password_hash, password))) return null;
  return { accountId: row.account_id, userId: row.id };
}

/**
 * Signs a user in: the credentials must match and the account must be allowed to act
 * (loadViewer's 403s: pending approval, unconfirmed e-mail, disabled, suspended).
 */
export async function signIn(
  ctx: Context,
  email: string,
  password: string,
): Promise<Viewer | null> {
  const found = await checkCredentials(ctx, email, password);
  if (!found) return null;
  const viewer = await loadViewer(ctx, found.accountId);
  await recordSignIn(ctx, found.userId);
  return viewer;
}

export async function recordSignIn(ctx: Context, userId: string): Promise<void> {
  await ctx.db.kysely
    .updateTable("users")
    .set({ last_sign_in_at: new Date().toISOString() })
    .where("id", "=", userId)
    .execute();
}
