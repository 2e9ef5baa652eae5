// GET /health: "OK" when the database answers, 503 otherwise. For load balancers and probes.
import { Hono } from "hono";
import type { Context } from "../domain/context.ts";

export function healthRoutes(ctx: Context): Hono {
  const app = new Hono();
  app.get("/health", async (c) => {
    try {
      await ctx.db.ping();
      return c.text("OK");
    } catch {
      return c.json({ error: "Database unavailable" }, 503);
    }
  });
  return app;
}
