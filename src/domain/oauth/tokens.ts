// Bearer tokens. A token is 32 random bytes shown once; only its SHA-256 is stored, so a
// database leak gives no usable tokens.
import { createHash, randomBytes } from "node:crypto";
import { newId } from "../../db/ids.ts";
import type { Context } from "../context.ts";

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
  const now = Date.now();
  if (!row.last_used_at || Date.parse(row.last_used_at) < now - LAST_USED_PRECISION_MS) {
    await ctx.db.kysely
      .updateTable("oauth_tokens")
      .set({ last_used_at: new Date(now).toISOString() })
      .where("id", "=", row.id)
      .execute();
  }
  return {
    tokenId: row.id,
    applicationId: row.application_id,
    accountId: row.account_id,
    scopes: row.scopes.split(" ").filter(Boolean),
  };
}

export async function revokeToken(ctx: Context, tokenId: string): Promise<void> {
  await ctx.db.kysely
    .updateTable("oauth_tokens")
    .set({ revoked_at: new Date().toISOString() })
    .where("id", "=", tokenId)
    .where("revoked_at", "is", null)
    .execute();
}
