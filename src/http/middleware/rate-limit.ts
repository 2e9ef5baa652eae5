// Request limits as Mastodon's rack-attack sets them: 300 requests per 5 minutes for each token
// (requests without a token count per IP address) on /api/*, 5 sign-ups per 30 minutes per IP,
// and 25 sign-in attempts per 5 minutes per IP and per hour per e-mail address (so guessing
// one person's password from many addresses is slow too). New streaming connections (SSE and
// WebSocket upgrades, which never pass through the /api/* middleware) count against the API
// limit too, and against their own: 100 per 5 minutes per token, or per IP without one. Counters are fixed windows kept in this process's memory: with several web processes
// each keeps its own, so the effective limit is multiplied by their number.
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Env, Context as HonoContext, MiddlewareHandler } from "hono";
import type { Context } from "../../domain/context.ts";
import { bearerToken } from "../auth.ts";

export interface Window {
  limit: number;
  remaining: number;
  reset: Date;
}

export class RateLimiter {
  readonly limit: number;
  readonly periodMs: number;
  readonly #buckets = new Map<string, { count: number; resetAt: number }>();
  #hits = 0;

  constructor(limit: number, periodMs: number) {
    this.limit = limit;
    this.periodMs = periodMs;
  }

  /** Counts one request for `key`; `remaining` below zero means it is over the limit. */
  hit(key: string, now = Date.now()): Window {
    if (++this.#hits % 1000 === 0) this.#sweep(now);
    let bucket = this.#buckets.get(key);
    if (!bucket || bucket.resetAt <= now) {
      // Windows are aligned to the period, as rack-attack's are.
      const resetAt = (Math.floor(now / this.periodMs) + 1) * this.periodMs;
      bucket = { count: 0, resetAt };
      this.#buckets.set(key, bucket);
    }
    bucket.count += 1;
    return {
      limit: this.limit,
      remaining: this.limit - bucket.count,
      reset: new Date(bucket.resetAt),
    };
  }

  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) if (bucket.resetAt <= now) this.#buckets.delete(key);
  }
}

interface Limits {
  api: RateLimiter;
  signUp: RateLimiter;
  signIn: RateLimiter;
  signInEmail: RateLimiter;
  streaming: RateLimiter;
}

const HOUR_MS = 3_600_000;

// One set of counters per running instance (tests start several in one process).
const perContext = new WeakMap<Context, Limits>();

function limitsFor(ctx: Context): Limits {
  let limits = perContext.get(ctx);
  if (!limits) {
    const { api, signUp, signIn, streaming } = ctx.config.rateLimits;
    limits = {
      api: new RateLimiter(api.limit, api.periodMs),
      signUp: new RateLimiter(signUp.limit, signUp.periodMs),
      signIn: new RateLimiter(signIn.limit, signIn.periodMs),
      signInEmail: new RateLimiter(signIn.limit, Math.max(HOUR_MS, signIn.periodMs)),
      streaming: new RateLimiter(streaming.limit, streaming.periodMs),
    };
    perContext.set(ctx, limits);
  }
  return limits;
}

// As Rails' default trusted proxies: loopback and private networks, where a reverse proxy
// (nginx on the host, or in a container next to Kith) would connect from.
const TRUSTED_PROXY =
  /^(?:127\.|10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|::1$|f[cd][0-9a-f]{2}:|::ffff:(?:127|10|192\.168|172\.(?:1[6-9]|2\d|3[01]))\.)/i;

/**
 * The client's address. X-Forwarded-For is believed only from a trusted proxy: the client is
 * its rightmost entry that is not itself a trusted proxy.
 */
export function clientIp(c: HonoContext): string {
  let peer = "unknown";
  try {
    peer = getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // Not served by @hono/node-server (app.request in unit tests): no socket to ask.
  }
  return clientIpOf(peer, c.req.header("X-Forwarded-For"));
}

/** As clientIp, from the socket's peer address and the X-Forwarded-For header. */
export function clientIpOf(peer: string, forwarded: string | undefined): string {
  if (!forwarded || !(TRUSTED_PROXY.test(peer) || peer === "unknown")) return peer;
  const chain = forwarded
    .split(",")
    .map((s) => s.trim())
    .filter((s) => isIP(s) !== 0);
  if (chain.length === 0) return peer;
  for (let i = chain.length - 1; i >= 0; i--) if (!TRUSTED_PROXY.test(chain[i]!)) return chain[i]!;
  return chain[0]!;
}

function tightest(windows: Window[]): Window {
  return windows.reduce((a, b) => (b.remaining / b.limit < a.remaining / a.limit ? b : a));
}

/** Headers for the tightest window, with Retry-After when any window is exceeded. */
function limitHeaders(windows: Window[]): { headers: Record<string, string>; over: boolean } {
  const w = tightest(windows);
  const headers: Record<string, string> = {
    "X-RateLimit-Limit": String(w.limit),
    "X-RateLimit-Remaining": String(Math.max(0, w.remaining)),
    "X-RateLimit-Reset": w.reset.toISOString(),
  };
  const over = windows.some((x) => x.remaining < 0);
  if (over)
    headers["Retry-After"] = String(
      Math.max(1, Math.ceil((w.reset.getTime() - Date.now()) / 1000)),
    );
  return { headers, over };
}

/** Sets the headers for the tightest window; true when any window is exceeded. */
function exceeded(c: HonoContext, windows: Window[]): boolean {
  const { headers, over } = limitHeaders(windows);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return over;
}

const tooMany = (c: HonoContext) => c.json({ error: "Too many requests" }, 429);

const tokenKey = (token: string) => createHash("sha256").update(token).digest("base64url");
const isApiSignUp = (c: HonoContext) =>
  c.req.method === "POST" && c.req.path === "/api/v1/accounts";

/** For /api/*: mount before authentication so that refused requests cost no database work. */
export function rateLimit(ctx: Context): MiddlewareHandler {
  return async (c, next) => {
    const limits = limitsFor(ctx);
    const token = bearerToken(c);
    const ip = clientIp(c);
    const windows = [limits.api.hit(token ? `token:${tokenKey(token)}` : `ip:${ip}`)];
    if (isApiSignUp(c)) windows.push(limits.signUp.hit(`ip:${ip}`));
    if (exceeded(c, windows)) return tooMany(c);
    await next();
  };
}

/** For the sign-up form, which shares the per-IP sign-up counter with the API. */
export function signUpRateLimit<E extends Env>(
  ctx: Context,
  refuse: (c: HonoContext<E>) => Response | Promise<Response> = tooMany,
): MiddlewareHandler<E> {
  return async (c, next) => {
    if (exceeded(c, [limitsFor(ctx).signUp.hit(`ip:${clientIp(c)}`)])) return refuse(c);
    await next();
  };
}

/**
 * Counts one sign-in attempt (the form, or OAuth's password grant) for the client's address
 * and for the e-mail address tried; true when either is over its limit (headers are set).
 */
export function signInLimited(ctx: Context, c: HonoContext, email: string): boolean {
  const limits = limitsFor(ctx);
  const windows = [limits.signIn.hit(`ip:${clientIp(c)}`)];
  const address = email.trim().toLowerCase();
  if (address) windows.push(limits.signInEmail.hit(`email:${address}`));
  return exceeded(c, windows);
}

const streamingKey = (token: string | null, ip: string) =>
  token ? `token:${tokenKey(token)}` : `ip:${ip}`;

/**
 * Counts a new SSE stream (the /api/* middleware counted the request already); true when over
 * the streaming limit (headers are set).
 */
export function sseStreamLimited(ctx: Context, c: HonoContext, token: string | null): boolean {
  return exceeded(c, [limitsFor(ctx).streaming.hit(streamingKey(token, clientIp(c)))]);
}

/**
 * Counts a WebSocket upgrade as an API request and a new stream; the 429 headers to refuse it
 * with when either is over its limit, else null.
 */
export function webSocketUpgradeLimited(
  ctx: Context,
  request: { peer: string; forwarded: string | undefined; token: string | null },
): Record<string, string> | null {
  const limits = limitsFor(ctx);
  const ip = clientIpOf(request.peer, request.forwarded);
  const key = streamingKey(request.token, ip);
  const { headers, over } = limitHeaders([limits.api.hit(key), limits.streaming.hit(key)]);
  return over ? headers : null;
}
