// GET /api/v1/accounts/:id/statuses: an account's statuses as the viewer may see them.
import { Hono } from "hono";
import { z } from "zod";
import { isId } from "../../db/ids.ts";
import type { Context } from "../../domain/context.ts";
import { notFound } from "../../domain/errors.ts";
import { accountStatuses } from "../../domain/timelines/account.ts";
import { type AppEnv, optionalViewer } from "../auth.ts";
import { renderStatuses } from "../entities/status.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { queryParams } from "../params.ts";
import { zBool } from "../schemas.ts";
import { STATUS_LIMITS } from "./timelines.ts";

const schema = z.object({
  pinned: zBool,
  exclude_replies: zBool,
  exclude_reblogs: zBool,
  only_media: zBool,
  tagged: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
});

export function accountStatusesRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/api/v1/accounts/:id/statuses", async (c) => {
    const viewer = optionalViewer(c, "read:statuses");
    const id = c.req.param("id");
    if (!isId(id)) throw notFound();
    const p = schema.parse(queryParams(c));
    const page = readPage(c, STATUS_LIMITS);
    const result = await accountStatuses(
      ctx,
      viewer,
      id,
      {
        pinned: p.pinned,
        excludeReplies: p.exclude_replies,
        excludeReblogs: p.exclude_reblogs,
        onlyMedia: p.only_media,
        tagged: p.tagged,
      },
      page,
    );
    setLinkHeader(c, page, result.cursors);
    return c.json(renderStatuses(ctx.config, result.statuses));
  });
  return app;
}
