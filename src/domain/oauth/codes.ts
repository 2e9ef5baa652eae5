// Authorization codes (RFC 6749 §4.1) with PKCE (RFC 7636, S256 only). A code is shown once,
// stored as its SHA-256, lives ten minutes and can be exchanged a single time.
import { createHash } from "node:crypto";
import type { Context } from "../context.ts";
import type { OAuthApplication } from "./applications.ts";
import { OAuthError } from "./errors.ts";
import { hashSecret, randomToken } from "./tokens.ts";

export const CODE_LIFETIME_MS = 10 * 60_000;
/** RFC 7636 §4.1: 43 to 128 unreserved characters (a challenge has the same alphabet). */
export const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

export interface NewCode {
  application: OAuthApplication;
  accountId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
}

export async function issueCode(ctx: Context, input: NewCode): Promise<string> {
  const code = randomToken();
  const now = new Date();
  const { kysely } = ctx.db;
  // Codes are short-lived; clearing old ones here keeps the table small without a job.
  await kysely
    .deleteFrom("oauth_codes")
    .where("expires_at", "<", new Date(now.getTime() - 86_400_000).toISOString())
    .execute();
  await kysely
    .insertInto("oauth_codes")
    .values({
      code_hash: hashSecret(code),
      application_id: input.application.id,
      account_id: input.accountId,
      redirect_uri: input.redirectUri,
      scopes: input.scopes.join(" "),
      code_challenge: input.codeChallenge,
      code_challenge_method: input.codeChallenge ? "S256" : null,
      expires_at: new Date(now.getTime() + CODE_LIFETIME_MS).toISOString(),
      used_at: null,
      created_at: now.toISOString(),
    })
    .execute();
  return code;
}

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

/**
 * Spends a code. It is marked used before anything else is checked, so a code presented with
 * the wrong client, redirect URI or verifier cannot be tried again.
 */
export async function redeemCode(
  ctx: Context,
  input: {
    application: OAuthApplication;
    code: string;
    redirectUri: string | undefined;
    codeVerifier: string | undefined;
  },
): Promise<{ accountId: string; scopes: string[] }> {
  if (!input.code || input.code.length > 200) throw new OAuthError("invalid_grant");
  const now = new Date().toISOString();
  const row = await ctx.db.kysely
    .updateTable("oauth_codes")
    .set({ used_at: now })
    .where("code_hash", "=", hashSecret(input.code))
    .where("used_at", "is", null)
    .returning([
      "application_id",
      "account_id",
      "redirect_uri",
      "scopes",
      "code_challenge",
      "expires_at",
    ])
    .executeTakeFirst();
  if (!row || row.application_id !== input.application.id || row.expires_at <= now) {
    throw new OAuthError("invalid_grant");
  }
  if (input.redirectUri !== row.redirect_uri) throw new OAuthError("invalid_grant");
  if (row.code_challenge) {
    const verifier = input.codeVerifier ?? "";
    if (!PKCE_VALUE.test(verifier) || s256(verifier) !== row.code_challenge) {
      throw new OAuthError("invalid_grant", "The code verifier does not match the code challenge.");
    }
  }
  return { accountId: row.account_id, scopes: row.scopes.split(" ").filter(Boolean) };
}
