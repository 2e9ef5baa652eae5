// The token endpoint's grants and token revocation (RFC 6749 §4, RFC 7009). Tokens do not
// expire and there are no refresh tokens, as in Mastodon.
import type { Context } from "../context.ts";
import { authenticateClient } from "./applications.ts";
import { redeemCode } from "./codes.ts";
import { OAuthError } from "./errors.ts";
import { isSubset, parseScopes } from "./scopes.ts";
import { checkCredentials, recordSignIn } from "./sign-in.ts";
import { findToken, type IssuedToken, issueToken, revokeToken } from "./tokens.ts";

export interface ClientCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
}

/** Scopes asked for at the token endpoint: known, and within what the application registered. */
function requestedScopes(scope: string | undefined, allowed: string[]): string[] {
  if (scope !== undefined && scope.length > 2000) throw new OAuthError("invalid_scope");
  const { scopes, unknown } = parseScopes(scope);
  if (unknown.length > 0 || !isSubset(scopes, allowed)) throw new OAuthError("invalid_scope");
  return scopes;
}

export async function grantAuthorizationCode(
  ctx: Context,
  input: ClientCredentials & {
    code: string | undefined;
    redirectUri: string | undefined;
    codeVerifier: string | undefined;
  },
): Promise<IssuedToken> {
  const application = await authenticateClient(ctx, input.clientId, input.clientSecret);
  if (!input.code) throw new OAuthError("invalid_request", "Missing required parameter: code.");
  const { accountId, scopes } = await redeemCode(ctx, {
    application,
    code: input.code,
    redirectUri: input.redirectUri,
    codeVerifier: input.codeVerifier,
  });
  return issueToken(ctx, { applicationId: application.id, accountId, scopes });
}

export async function grantClientCredentials(
  ctx: Context,
  input: ClientCredentials & { scope: string | undefined },
): Promise<IssuedToken> {
  const application = await authenticateClient(ctx, input.clientId, input.clientSecret);
  const scopes = requestedScopes(input.scope, application.scopes);
  return issueToken(ctx, { applicationId: application.id, accountId: null, scopes });
}

/**
 * The resource-owner password grant. Mastodon removed it in 4.4; Kith keeps it only in
 * development mode because the masto.js end-to-end harness signs in with it.
 */
export async function grantPassword(
  ctx: Context,
  input: ClientCredentials & {
    username: string | undefined;
    password: string | undefined;
    scope: string | undefined;
  },
): Promise<IssuedToken> {
  if (!ctx.config.devMode) throw new OAuthError("unsupported_grant_type");
  const application = await authenticateClient(ctx, input.clientId, input.clientSecret);
  const scopes = requestedScopes(input.scope, application.scopes);
  const found = await checkCredentials(ctx, input.username ?? "", input.password ?? "");
  if (!found) throw new OAuthError("invalid_grant");
  await recordSignIn(ctx, found.userId);
  return issueToken(ctx, { applicationId: application.id, accountId: found.accountId, scopes });
}

/**
 * Revokes a token the client holds. An unknown token is not an error (RFC 7009 §2.2);
 * another client's token is refused.
 */
export async function revokeClientToken(
  ctx: Context,
  input: ClientCredentials & { token: string | undefined },
): Promise<void> {
  const application = await authenticateClient(ctx, input.clientId, input.clientSecret);
  if (!input.token || input.token.length > 200) return;
  const grant = await findToken(ctx, input.token);
  if (!grant) return;
  if (grant.applicationId !== application.id) {
    throw new OAuthError("unauthorized_client", "You are not authorized to revoke this token", 403);
  }
  await revokeToken(ctx, grant.tokenId);
}
