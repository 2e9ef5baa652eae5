// Hashtags: GET /api/v1/tags/:name, POST …/follow, …/unfollow, …/feature, …/unfeature;
// GET /api/v1/followed_tags (paged by Link); GET/POST /api/v1/featured_tags, DELETE
// /api/v1/featured_tags/:id, GET /api/v1/featured_tags/suggestions and
// GET /api/v1/accounts/:id/featured_tags.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import {
  featuredTagSuggestions,
  featureTag,
  listFeaturedTags,
  unfeatureById,
  unfeatureTag,
} from "../../domain/tags/featured.ts";
import { followTag, listFollowedTags, unfollowTag } from "../../domain/tags/followed.ts";
import { lookUpTag } from "../../domain/tags/tags.ts";
import { type AppEnv, optionalViewer, requireUser } from "../auth.ts";
import { renderFeaturedTag, renderTag } from "../entities/tag.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams } from "../params.ts";

const FOLLOWED_TAG_LIMITS = { default: 100, max: 200 };
const featureSchema = z.object({ name: z.string({ error: "must be a hashtag name" }) });

export function tagRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const name = (c: { req: { param(n: "name"): string } }) => c.req.param("name");

  app.get("/api/v1/tags/:name", async (c) => {
    const viewer = optionalViewer(c, "read");
    return c.json(renderTag(ctx.config, await lookUpTag(ctx, viewer, name(c))));
  });

  for (const [action, scope, run] of [
    ["follow", "write:follows", followTag],
    ["unfollow", "write:follows", unfollowTag],
    [
      "feature",
      "write:accounts",
      async (...args: Parameters<typeof featureTag>) => {
        const featured = await featureTag(...args);
        return lookUpTag(args[0], args[1], featured.name);
      },
    ],
    ["unfeature", "write:accounts", unfeatureTag],
  ] as const) {
    app.post(`/api/v1/tags/:name/${action}`, async (c) => {
      const viewer = requireUser(c, scope);
      return c.json(renderTag(ctx.config, await run(ctx, viewer, name(c))));
    });
  }

  app.get("/api/v1/followed_tags", async (c) => {
    const viewer = requireUser(c, "read:follows");
    const page = readPage(c, FOLLOWED_TAG_LIMITS);
    const result = await listFollowedTags(ctx, viewer, page);
    setLinkHeader(c, page, result.cursors);
    return c.json(result.tags.map((t) => renderTag(ctx.config, t)));
  });

  app.get("/api/v1/featured_tags", async (c) => {
    const viewer = requireUser(c, "read:accounts");
    return c.json((await listFeaturedTags(ctx, viewer.accountId)).map(renderFeaturedTag));
  });

  app.post("/api/v1/featured_tags", async (c) => {
    const viewer = requireUser(c, "write:accounts");
    const p = featureSchema.parse(await bodyParams(c));
    return c.json(renderFeaturedTag(await featureTag(ctx, viewer, p.name)));
  });

  app.get("/api/v1/featured_tags/suggestions", async (c) => {
    const viewer = requireUser(c, "read:accounts");
    return c.json((await featuredTagSuggestions(ctx, viewer)).map((t) => renderTag(ctx.config, t)));
  });

  app.delete("/api/v1/featured_tags/:id", async (c) => {
    const viewer = requireUser(c, "write:accounts");
    await unfeatureById(ctx, viewer, c.req.param("id"));
    return c.json({});
  });

  app.get("/api/v1/accounts/:id/featured_tags", async (c) => {
    return c.json((await listFeaturedTags(ctx, c.req.param("id"))).map(renderFeaturedTag));
  });

  return app;
}
