// The instance's extra endpoints (rules, extended description, privacy policy, terms of
// service, peers, weekly activity, languages, translation languages) and,
// mounted from here so app.ts needs one line, custom emojis, preferences, trends and
// announcements.
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import { notFound } from "../../domain/errors.ts";
import { knownPeers, weeklyActivity } from "../../domain/instance.ts";
import { extendedDescription, privacyPolicy, termsOfService } from "../../domain/instance-texts.ts";
import { rulesForMembers } from "../../domain/rules/published.ts";
import { LANGUAGE_NAMES } from "../../domain/statuses/languages.ts";
import type { AppEnv } from "../auth.ts";
import {
  renderActivityWeek,
  renderInstanceText,
  renderRule,
  renderTermsOfService,
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
    return c.json(renderInstanceText(await extendedDescription(ctx)));
  });

  app.get("/api/v1/instance/privacy_policy", async (c) => {
    c.header("Cache-Control", "public, max-age=180");
    return c.json(renderInstanceText(await privacyPolicy(ctx)));
  });

  // One version of the terms at a time (the file's), also asked for by its date; none
  // published is a 404, as Mastodon.
  app.get("/api/v1/instance/terms_of_service/:date?", async (c) => {
    const terms = await termsOfService(ctx);
    const date = c.req.param("date");
    if (!terms || (date !== undefined && date !== terms.effectiveDate)) throw notFound();
    c.header("Cache-Control", "public, max-age=180");
    return c.json(renderTermsOfService(terms));
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

  // Kith has no translation service: no language pair can be translated (Mastodon's answer when
  // none is configured).
  app.get("/api/v1/instance/translation_languages", (c) => {
    c.header("Cache-Control", "public, max-age=86400");
    return c.json({});
  });

  app.route("/", customEmojiRoutes(ctx));
  app.route("/", preferencesRoutes(ctx));
  app.route("/", trendsRoutes(ctx));
  app.route("/", announcementRoutes());
  return app;
}
