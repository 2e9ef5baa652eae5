// POST /oauth/token and POST /oauth/revoke. Errors here use OAuth's shape,
// {"error": "invalid_grant", "error_description": "…"}, which OAuth client libraries expect.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import { DomainError } from "../../domain/errors.ts";
import { OAuthError } from "../../domain/oauth/errors.ts";
import {
  type ClientCredentials,
  grantAuthorizationCode,
  grantClientCredentials,
  grantPassword,
  revokeClientToken,
} from "../../domain/oauth/grants.ts";
import type { IssuedToken } from "../../domain/oauth/tokens.ts";
import { signInLimited } from "../middleware/rate-limit.ts";
import { bodyParams, type Params } from "../params.ts";
import { stringParam, WRONG_TYPE } from "./input.ts";

/** The Token entity: created_at is a UNIX time in seconds. */
export function renderToken(token: IssuedToken) {
  return {
    access_token: token.accessToken,
    token_type: "Bearer",
    scope: token.scopes.join(" "),
    created_at: Math.floor(token.createdAt.getTime() / 1000),
  };
}

export function oauthErrorResponse(c: HonoContext, error: OAuthError): Response {
  c.header("Cache-Control", "no-store");
  if (error.status === 401) c.header("WWW-Authenticate", 'Basic realm="kith"');
  return c.json({ error: error.code, error_description: error.message }, error.status);
}

/** Parameters as strings; a malformed body or a non-string value is invalid_request. */
async function oauthParams(c: HonoContext): Promise<(key: string) => string | undefined> {
  let params: Params;
  try {
    params = await bodyParams(c);
  } catch (error) {
    if (error instanceof DomainError) throw new OAuthError("invalid_request", error.message);
    throw error;
  }
  return (key) => {
    const value = stringParam(params, key);
    if (value === WRONG_TYPE) {
      throw new OAuthError("invalid_request", `The parameter ${key} must be a string.`);
    }
    return value === "" ? undefined : value;
  };
}

/** RFC 6749 §2.3.1: HTTP Basic (form-encoded id and secret) or the body's client_id/secret. */
function clientCredentials(c: HonoContext, param: (key: string) => string | undefined) {
  const header = c.req.header("Authorization");
  const basic = header ? /^Basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header) : null;
  if (header && /^Basic\b/i.test(header)) {
    const decoded = basic ? Buffer.from(basic[1]!, "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new OAuthError("invalid_client");
    try {
      const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
      return {
        clientId: unform(decoded.slice(0, colon)),
        clientSecret: unform(decoded.slice(colon + 1)),
      } satisfies ClientCredentials;
    } catch {
      throw new OAuthError("invalid_client");
    }
  }
  return {
    clientId: param("client_id"),
    clientSecret: param("client_secret"),
  } satisfies ClientCredentials;
}

async function withOAuthErrors(c: HonoContext, work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OAuthError) return oauthErrorResponse(c, error);
    throw error;
  }
}

export function tokenRoutes(ctx: Context): Hono {
  const app = new Hono();

  app.post("/oauth/token", (c) =>
    withOAuthErrors(c, async () => {
      const param = await oauthParams(c);
      const client = clientCredentials(c, param);
      const grantType = param("grant_type");
      let token: IssuedToken;
      switch (grantType) {
        case "authorization_code":
          token = await grantAuthorizationCode(ctx, {
            ...client,
            code: param("code"),
            redirectUri: param("redirect_uri"),
            codeVerifier: param("code_verifier"),
          });
          break;
        case "client_credentials":
          token = await grantClientCredentials(ctx, { ...client, scope: param("scope") });
          break;
        case "password":
          // A password guess like the sign-in form's, so it shares the form's counters.
          if (signInLimited(ctx, c, param("username") ?? "")) {
            return c.json(
              { error: "rate_limited", error_description: "Too many sign-in attempts." },
              429,
            );
          }
          token = await grantPassword(ctx, {
            ...client,
            username: param("username"),
            password: param("password"),
            scope: param("scope"),
          });
          break;
        case undefined:
          throw new OAuthError("invalid_request", "Missing required parameter: grant_type.");
        default:
          throw new OAuthError("unsupported_grant_type");
      }
      c.header("Cache-Control", "no-store");
      c.header("Pragma", "no-cache");
      return c.json(renderToken(token));
    }),
  );

  app.post("/oauth/revoke", (c) =>
    withOAuthErrors(c, async () => {
      const param = await oauthParams(c);
      await revokeClientToken(ctx, { ...clientCredentials(c, param), token: param("token") });
      return c.json({});
    }),
  );

  return app;
}
