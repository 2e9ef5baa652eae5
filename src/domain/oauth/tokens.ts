// Bearer tokens. A token is 32 random bytes shown once; only its SHA-256 is stored, so a
// database leak gives no usable tokens.
import { createHash, randomBytes } from "node:crypto";
import { newId } from "../../db/ids.ts";
import type { Context } from "../context.ts";
import { type Viewer, type ViewerRow, viewerFrom } from "../viewer.ts";

export const hashSecret = (value: string) => createHash("sha256").update(value).digest("hex");
export const randomToken = () => randomBytes(32).toString("base64url");

export interface IssuedToken {
  id: string;
  accessToken: string;
  scopes: string[];
  createdAt: Date;
}

export async function issueToken(
  ctx: Context,
  grant: { applicationId: string | null; accountId: string | null; scopes: string[] },
): Promise<IssuedToken> {
  const accessToken = randomToken();
  const createdAt = new Date();
  const id = newId();
  await ctx.db.kysely
    .insertInto("oauth_tokens")
    .values({
      id,
      token_hash: hashSecret(accessToken),
      application_id: grant.applicationId,
      account_id: grant.accountId,
      scopes: grant.scopes.join(" "),
      created_at: createdAt.toISOString(),
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return { id, accessToken, scopes: grant.scopes, createdAt };
}

/** Who a bearer token speaks for. `accountId` is null for app-only (client_credentials) tokens. */
export interface TokenGrant {
  tokenId: string;
  applicationId: string | null;
  accountId: string | null;
  scopes: string[];
}

// How often a token's last use is written: often enough for activity counts (NodeInfo, the
// switch to approval when moderators are away), rarely enough to cost nothing per request.
const LAST_USED_PRECISION_MS = 3_600_000;

export async function findToken(ctx: Context, accessToken: string): Promise<TokenGrant | null> {
  const row = await ctx.db.kysely
    .selectFrom("oauth_tokens")
    .select(["id", "application_id", "account_id", "scopes", "last_used_at"])
    .where("token_hash", "=", hashSecret(accessToken))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  await noteUse(ctx, row);
  return grantOf(row);
}

/** A user's login as a token reaches it: what a viewer is made of, and the e-mail address. */
export type TokenLogin = ViewerRow & { email: string };

/**
 * A live token's grant and, for a user's token, that user's login whatever its state (null
 * for an app's token, or when the account has no login here), read in one statement.
 */
export async function findTokenWithLogin(
  ctx: Context,
  accessToken: string,
): Promise<{ grant: TokenGrant; login: TokenLogin | null } | null> {
  const row = await ctx.db.kysely
    .selectFrom("oauth_tokens as t")
    .leftJoin("accounts as a", "a.id", "t.account_id")
    .leftJoin("users as u", "u.account_id", "a.id")
    .select([
      "t.id",
      "t.application_id",
      "t.account_id",
      "t.scopes",
      "t.last_used_at",
      "a.username",
      "a.suspended_at",
      "u.id as user_id",
      "u.email",
      "u.role",
      "u.approved",
      "u.disabled",
      "u.confirmed_at",
    ])
    .where("t.token_hash", "=", hashSecret(accessToken))
    .where("t.revoked_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  await noteUse(ctx, row);
  const { account_id, username, user_id, email, role, approved, disabled } = row;
  const login =
    account_id !== null &&
    username !== null &&
    user_id !== null &&
    email !== null &&
    role !== null &&
    approved !== null &&
    disabled !== null
      ? { ...row, id: account_id, username, user_id, email, role, approved, disabled }
      : null;
  return { grant: grantOf(row), login };
}

/**
 * A token's grant and, for a user's token, the viewer it speaks for: what every signed-in
 * request asks. Throws as `loadViewer` does for an account that may not act.
 */
export async function findTokenWithViewer(
  ctx: Context,
  accessToken: string,
): Promise<{ grant: TokenGrant; viewer: Viewer | null } | null> {
  const found = await findTokenWithLogin(ctx, accessToken);
  if (!found) return null;
  if (!found.grant.accountId) return { grant: found.grant, viewer: null };
  return { grant: found.grant, viewer: viewerFrom(found.login ?? undefined) };
}

interface TokenRow {
  id: string;
  application_id: string | null;
  account_id: string | null;
  scopes: string;
  last_used_at: string | null;
}

const grantOf = (row: TokenRow): TokenGrant => ({
  tokenId: row.id,
  applicationId: row.application_id,
  accountId: row.account_id,
  scopes: row.scopes.split(" ").filter(Boolean),
});

/** Records the token's use, at most once per LAST_USED_PRECISION_MS. */
async function noteUse(ctx: Context, row: TokenRow): Promise<void> {
  const now = Date.now();
  if (row.last_used_at && Date.parse(row.last_used_at) >= now - LAST_USED_PRECISION_MS) return;
  await ctx.db.kysely
    .updateTable("oauth_tokens")
    .set({ last_used_at: new Date(now).toISOString() })
    .where("id", "=", row.id)
    .execute();
}

export async function revokeToken(ctx: Context, tokenId: string): Promise<void> {
  await ctx.db.kysely
    .updateTable("oauth_tokens")
    .set({ revoked_at: new Date().toISOString() })
    .where("id", "=", tokenId)
    .where("revoked_at", "is", null)
    .execute();
}
