// The instance's extra endpoints (rules, extended description, peers, weekly activity,
// languages) and,
// mounted from here so app.ts needs one line, custom emojis, preferences, trends and
// announcements.
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import { extendedDescription } from "../../domain/extended-description.ts";
import { knownPeers, weeklyActivity } from "../../domain/instance.ts";
import { rulesForMembers } from "../../domain/rules/published.ts";
import { LANGUAGE_NAMES } from "../../domain/statuses/languages.ts";
import type { AppEnv } from "../auth.ts";
import {
  renderActivityWeek,
  renderExtendedDescription,
  renderRule,
} from "../entities/instance-extras.ts";
import { announcementRoutes } from "./announcements.ts";
import { customEmojiRoutes } from "./custom-emojis.ts";
import { preferencesRoutes } from "./preferences.ts";
import { trendsRoutes } from "./trends.ts";

export function instanceExtrasRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/api/v1/instance/rules", async (c) =>
    c.json((await rulesForMembers(ctx)).map(renderRule)),
  );

  app.get("/api/v1/instance/extended_description", async (c) => {
    c.header("Cache-Control", "public, max-age=180");
    return c.json(renderExtendedDescription(await extendedDescription(ctx)));
  });

  app.get("/api/v1/instance/peers", async (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.json(await knownPeers(ctx));
  });

  app.get("/api/v1/instance/activity", async (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.json((await weeklyActivity(ctx)).map(renderActivityWeek));
  });

  // The languages a status may be tagged with, as Mastodon lists them: [{code, name}].
  app.get("/api/v1/instance/languages", (c) => {
    c.header("Cache-Control", "public, max-age=86400");
    return c.json(Object.entries(LANGUAGE_NAMES).map(([code, name]) => ({ code, name })));
  });

  app.route("/", customEmojiRoutes(ctx));
  app.route("/", preferencesRoutes(ctx));
  app.route("/", trendsRoutes(ctx));
  app.route("/", announcementRoutes());
  return app;
}
