// GET /api/v1/timelines/home, /timelines/public and /timelines/tag/:hashtag.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import { homeTimeline } from "../../domain/timelines/home.ts";
import type { TimelinePage } from "../../domain/timelines/page.ts";
import { publicTimeline, tagTimeline } from "../../domain/timelines/public.ts";
import { type AppEnv, optionalViewer, requireUser } from "../auth.ts";
import { renderStatuses } from "../entities/status.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { queryParams } from "../params.ts";
import { zBool, zStringList } from "../schemas.ts";

export const STATUS_LIMITS = { default: 20, max: 40 };

const publicSchema = z.object({ local: zBool, remote: zBool, only_media: zBool });
const tagSchema = publicSchema.extend({ any: zStringList, all: zStringList, none: zStringList });

export function timelineRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const respond = (
    c: Parameters<typeof setLinkHeader>[0],
    page: ReturnType<typeof readPage>,
    result: TimelinePage,
  ) => {
    setLinkHeader(c, page, result.cursors);
    return c.json(renderStatuses(ctx.config, result.statuses));
  };

  app.get("/api/v1/timelines/home", async (c) => {
    const viewer = requireUser(c, "read:statuses");
    const page = readPage(c, STATUS_LIMITS);
    return respond(c, page, await homeTimeline(ctx, viewer, page));
  });

  app.get("/api/v1/timelines/public", async (c) => {
    const viewer = optionalViewer(c, "read:statuses");
    const p = publicSchema.parse(queryParams(c));
    const page = readPage(c, STATUS_LIMITS);
    const result = await publicTimeline(
      ctx,
      viewer,
      { local: p.local, remote: p.remote, onlyMedia: p.only_media },
      page,
    );
    return respond(c, page, result);
  });

  app.get("/api/v1/timelines/tag/:hashtag", async (c) => {
    const viewer = optionalViewer(c, "read:statuses");
    const p = tagSchema.parse(queryParams(c));
    const page = readPage(c, STATUS_LIMITS);
    const result = await tagTimeline(
      ctx,
      viewer,
      c.req.param("hashtag").replace(/^#/, ""),
      {
        local: p.local,
        remote: p.remote,
        onlyMedia: p.only_media,
        any: p.any,
        all: p.all,
        none: p.none,
      },
      page,
    );
    return respond(c, page, result);
  });

  return app;
}
