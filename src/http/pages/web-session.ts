// Who is signed in on the server-rendered pages, and the CSRF tokens their forms carry.
// The session cookie `kith_session` names a web_sessions row; before signing in, an anonymous
// `kith_csrf` cookie stands in for it so that the sign-in and sign-up forms are protected too.
// A CSRF token is HMAC(secret key, that cookie), so it is bound to one browser and one session.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context as HonoContext, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Context } from "../../domain/context.ts";
import { DomainError } from "../../domain/errors.ts";
import {
  createWebSession,
  deleteWebSession,
  findWebSession,
  SESSION_LIFETIME_MS,
} from "../../domain/oauth/web-sessions.ts";
import { loadViewer, type Viewer } from "../../domain/viewer.ts";
import { clientIp } from "../middleware/rate-limit.ts";

export const SESSION_COOKIE = "kith_session";
export const CSRF_COOKIE = "kith_csrf";

export type PageEnv = {
  Variables: {
    viewer: Viewer | null;
    /** The raw session id when signed in. */
    sessionId: string | null;
    /** What CSRF tokens are bound to: the session id, or the anonymous cookie. */
    csrfKey: string;
  };
};

const cookieOptions = (ctx: Context, maxAgeMs: number) =>
  ({
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: ctx.config.origin.startsWith("https:"),
    maxAge: Math.floor(maxAgeMs / 1000),
  }) as const;

/** Loads the signed-in viewer (if any) into c.var and makes sure a CSRF key exists. */
export function webSession(ctx: Context): MiddlewareHandler<PageEnv> {
  return async (c, next) => {
    const sessionId = getCookie(c, SESSION_COOKIE) ?? null;
    let viewer: Viewer | null = null;
    if (sessionId) {
      const accountId = await findWebSession(ctx, sessionId);
      if (accountId) {
        try {
          viewer = await loadViewer(ctx, accountId);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          // Suspended or disabled since signing in: the session ends here.
          await deleteWebSession(ctx, sessionId);
        }
      }
      if (!viewer) deleteCookie(c, SESSION_COOKIE, { path: "/" });
    }
    let csrfKey = viewer && sessionId ? sessionId : getCookie(c, CSRF_COOKIE);
    if (!csrfKey || csrfKey.length > 100) {
      csrfKey = randomBytes(24).toString("base64url");
      setCookie(c, CSRF_COOKIE, csrfKey, cookieOptions(ctx, SESSION_LIFETIME_MS));
    }
    c.set("viewer", viewer);
    c.set("sessionId", viewer ? sessionId : null);
    c.set("csrfKey", csrfKey);
    c.header("Cache-Control", "no-store");
    await next();
  };
}

export function csrfToken(ctx: Context, c: HonoContext<PageEnv>): string {
  return createHmac("sha256", ctx.config.secretKey)
    .update(`csrf:${c.get("csrfKey")}`)
    .digest("base64url");
}

export function csrfValid(ctx: Context, c: HonoContext<PageEnv>, given: unknown): boolean {
  if (typeof given !== "string" || given.length > 100) return false;
  const expected = Buffer.from(csrfToken(ctx, c));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Starts a session for the account: the cookie is replaced, an older session is ended. */
export async function startSession(
  ctx: Context,
  c: HonoContext<PageEnv>,
  accountId: string,
): Promise<void> {
  const previous = c.get("sessionId");
  if (previous) await deleteWebSession(ctx, previous);
  const { id } = await createWebSession(ctx, accountId, {
    userAgent: c.req.header("User-Agent") ?? null,
    ip: clientIp(c),
  });
  setCookie(c, SESSION_COOKIE, id, cookieOptions(ctx, SESSION_LIFETIME_MS));
}

export async function endSession(ctx: Context, c: HonoContext<PageEnv>): Promise<void> {
  const id = c.get("sessionId") ?? getCookie(c, SESSION_COOKIE);
  if (id) await deleteWebSession(ctx, id);
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}

/** A local path to go back to after signing in; anything else (other hosts) is ignored. */
export function safeReturnTo(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 10_000) return null;
  if (!value.startsWith("/") || value.startsWith("//") || /[\\\p{Cc}]/u.test(value)) return null;
  return value;
}
