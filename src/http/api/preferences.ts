// GET /api/v1/preferences: the signed-in user's defaults, for clients to pre-fill the composer.
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import { loadPreferences } from "../../domain/preferences.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderPreferences } from "../entities/instance-extras.ts";

export function preferencesRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/api/v1/preferences", async (c) => {
    const viewer = requireUser(c, "read:accounts");
    return c.json(renderPreferences(await loadPreferences(ctx, viewer)));
  });
  return app;
}
