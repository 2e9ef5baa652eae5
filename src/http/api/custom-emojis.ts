// GET /api/v1/custom_emojis: this instance's emojis, for anyone.
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import { listLocalEmojis } from "../../domain/custom-emojis.ts";
import type { AppEnv } from "../auth.ts";
import { renderCustomEmoji } from "../entities/instance-extras.ts";

export function customEmojiRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/api/v1/custom_emojis", async (c) => {
    c.header("Cache-Control", "public, max-age=180");
    return c.json((await listLocalEmojis(ctx)).map(renderCustomEmoji));
  });
  return app;
}
