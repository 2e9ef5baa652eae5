// Announcements: Kith has no way to publish one yet, so the list is empty and every ID is
// unknown (404), with Mastodon's authentication and scope checks in front.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { DomainError, notFound } from "../../domain/errors.ts";
import { type AppEnv, requireUser } from "../auth.ts";

/** A signed-in user with any scope, as Mastodon's `require_user!` alone. */
function requireAnyUser(c: HonoContext<AppEnv>): void {
  const auth = c.get("auth");
  if (!auth) throw new DomainError("unauthorized", "The access token is invalid");
  if (!auth.viewer)
    throw new DomainError("validation", "This method requires an authenticated user");
}

export function announcementRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/api/v1/announcements", (c) => {
    requireAnyUser(c);
    return c.json([]);
  });
  app.post("/api/v1/announcements/:id/dismiss", (c) => {
    requireUser(c, "write:accounts");
    throw notFound();
  });
  for (const method of ["put", "delete"] as const) {
    app[method]("/api/v1/announcements/:id/reactions/:name", (c) => {
      requireUser(c, "write:favourites");
      throw notFound();
    });
  }
  return app;
}
