// IP blocks of severity no_access: every request from a blocked range is refused before any
// other work, as Mastodon's Rack::Attack blocklist does (API, pages, sign-in, federation).
import type { MiddlewareHandler } from "hono";
import type { Context } from "../../domain/context.ts";
import { ipHasNoAccess } from "../../domain/moderation/ip-blocks.ts";
import { clientIp } from "./rate-limit.ts";

export function ipAccess(ctx: Context): MiddlewareHandler {
  return async (c, next) => {
    if (await ipHasNoAccess(ctx, clientIp(c)))
      return c.json({ error: "Access from your IP address is blocked" }, 403);
    await next();
  };
}
