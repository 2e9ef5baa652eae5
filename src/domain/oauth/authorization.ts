// The authorization request of the code flow (RFC 6749 §4.1.1): which application asks, for
// which scopes, and where the answer goes. The consent page shows it; approving issues a code.
import type { Context } from "../context.ts";
import type { Viewer } from "../viewer.ts";
import {
  findApplicationByClientId,
  type OAuthApplication,
  OOB_REDIRECT_URI,
} from "./applications.ts";
import { issueCode, PKCE_VALUE } from "./codes.ts";
import { OAuthError } from "./errors.ts";
import { isSubset, parseScopes } from "./scopes.ts";

export interface AuthorizationParams {
  responseType?: string | undefined;
  clientId?: string | undefined;
  redirectUri?: string | undefined;
  scope?: string | undefined;
  state?: string | undefined;
  codeChallenge?: string | undefined;
  codeChallengeMethod?: string | undefined;
}

export interface AuthorizationRequest {
  application: OAuthApplication;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  codeChallenge: string | null;
}

/**
 * Either a valid request, or an error with where to send it. Errors about the client or the
 * redirect URI cannot be sent to the client (the URI is not trusted): `redirectUri` is null.
 */
export type AuthorizationCheck =
  | { ok: true; request: AuthorizationRequest }
  | { ok: false; error: OAuthError; redirectUri: string | null; state: string | null };

export async function checkAuthorization(
  ctx: Context,
  p: AuthorizationParams,
): Promise<AuthorizationCheck> {
  const state = p.state || null;
  const fail = (error: OAuthError, redirectUri: string | null = null): AuthorizationCheck => ({
    ok: false,
    error,
    redirectUri,
    state,
  });
  if (!p.clientId)
    return fail(new OAuthError("invalid_request", "Missing required parameter: client_id."));
  const application = await findApplicationByClientId(ctx, p.clientId);
  if (!application) return fail(new OAuthError("invalid_client"));
  if (!p.redirectUri)
    return fail(new OAuthError("invalid_request", "Missing required parameter: redirect_uri."));
  if (!application.redirectUris.includes(p.redirectUri)) {
    return fail(
      new OAuthError(
        "invalid_request",
        "The requested redirect uri is malformed or doesn't match client redirect URI.",
      ),
    );
  }
  const back = p.redirectUri === OOB_REDIRECT_URI ? null : p.redirectUri;
  if (state && state.length > 2000)
    return fail(new OAuthError("invalid_request", "The state parameter is too long."), back);
  if (p.responseType !== "code") return fail(new OAuthError("unsupported_response_type"), back);
  if ((p.scope ?? "").length > 2000) return fail(new OAuthError("invalid_scope"), back);
  const { scopes, unknown } = parseScopes(p.scope);
  if (unknown.length > 0 || !isSubset(scopes, application.scopes)) {
    return fail(new OAuthError("invalid_scope"), back);
  }
  let codeChallenge: string | null = null;
  if (p.codeChallenge || p.codeChallengeMethod) {
    if (p.codeChallengeMethod !== "S256") {
      return fail(
        new OAuthError("invalid_request", "Only the S256 code challenge method is supported."),
        back,
      );
    }
    if (!p.codeChallenge || !PKCE_VALUE.test(p.codeChallenge)) {
      return fail(new OAuthError("invalid_request", "The code challenge is malformed."), back);
    }
    codeChallenge = p.codeChallenge;
  }
  return {
    ok: true,
    request: { application, redirectUri: p.redirectUri, scopes, state, codeChallenge },
  };
}

/** Where to send the browser with the query parameters of an answer. */
export function redirectWith(redirectUri: string, params: Record<string, string | null>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) {
    if (value !== null) url.searchParams.set(key, value);
  }
  return url.toString();
}

/** The user said yes: a code for the client, sent to its redirect URI or shown (OOB). */
export async function approveAuthorization(
  ctx: Context,
  request: AuthorizationRequest,
  viewer: Viewer,
): Promise<{ code: string; redirect: string | null }> {
  const code = await issueCode(ctx, {
    application: request.application,
    accountId: viewer.accountId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    codeChallenge: request.codeChallenge,
  });
  const redirect =
    request.redirectUri === OOB_REDIRECT_URI
      ? null
      : redirectWith(request.redirectUri, { code, state: request.state });
  return { code, redirect };
}

export function denyAuthorization(request: AuthorizationRequest): string | null {
  if (request.redirectUri === OOB_REDIRECT_URI) return null;
  const error = new OAuthError("access_denied");
  return redirectWith(request.redirectUri, {
    error: error.code,
    error_description: error.message,
    state: request.state,
  });
}
