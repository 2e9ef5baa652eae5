// Bearer-token authentication and scope checks for the API. Every handler states what it needs
// with `requireScope` / `requireUser`; nothing is allowed by default.
import type { Context as HonoContext, MiddlewareHandler } from "hono";
import type { Context } from "../domain/context.ts";
import { DomainError } from "../domain/errors.ts";
import { satisfies } from "../domain/oauth/scopes.ts";
import { findTokenWithViewer, type TokenGrant } from "../domain/oauth/tokens.ts";
import type { Viewer } from "../domain/viewer.ts";

export interface Auth {
  grant: TokenGrant;
  /** null for an app-only token */
  viewer: Viewer | null;
}

export type AppEnv = { Variables: { auth: Auth | null } };

const invalid = () => new DomainError("unauthorized", "The access token is invalid");

export function bearerToken(c: HonoContext): string | null {
  const header = c.req.header("Authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1]! : null;
  }
  return c.req.query("access_token") ?? null;
}

/**
 * Resolves the token, if any, into c.var.auth. A token that is given but wrong is a 401. Paths
 * in `skip` read their token themselves (a user still confirming their e-mail address).
 */
export function authenticate(
  ctx: Context,
  skip: ReadonlySet<string> = new Set(),
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (skip.has(c.req.path)) {
      c.set("auth", null);
      return next();
    }
    const token = bearerToken(c);
    if (c.req.header("Authorization") && !token) throw invalid();
    if (!token) {
      c.set("auth", null);
      return next();
    }
    const found = await findTokenWithViewer(ctx, token);
    if (!found) throw invalid();
    c.set("auth", found);
    return next();
  };
}

/** The request must carry a token holding `scope` (or a parent of it). */
export function requireScope(c: HonoContext<AppEnv>, scope: string): Auth {
  const auth = c.get("auth");
  if (!auth) throw invalid();
  if (!satisfies(auth.grant.scopes, scope)) {
    throw new DomainError("forbidden", "This action is outside the authorized scopes");
  }
  return auth;
}

/** The request must come from a signed-in user whose token holds `scope`. */
export function requireUser(c: HonoContext<AppEnv>, scope: string): Viewer {
  const auth = requireScope(c, scope);
  if (!auth.viewer)
    throw new DomainError("validation", "This method requires an authenticated user");
  return auth.viewer;
}

/** The viewer if a user token is present (any scope checks are the caller's), else null. */
export function optionalViewer(c: HonoContext<AppEnv>, scope = "read"): Viewer | null {
  const auth = c.get("auth");
  if (!auth?.viewer) return null;
  if (!satisfies(auth.grant.scopes, scope)) {
    throw new DomainError("forbidden", "This action is outside the authorized scopes");
  }
  return auth.viewer;
}
