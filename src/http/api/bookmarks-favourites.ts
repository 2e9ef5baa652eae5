// GET /api/v1/bookmarks and /api/v1/favourites: the viewer's saved statuses, paged by the
// bookmark/favourite row (clients follow the Link header, never status IDs).
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import { savedStatuses } from "../../domain/timelines/saved.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderStatuses } from "../entities/status.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { STATUS_LIMITS } from "./timelines.ts";

export function bookmarksFavouritesRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const table of ["bookmarks", "favourites"] as const) {
    app.get(`/api/v1/${table}`, async (c) => {
      const viewer = requireUser(c, `read:${table}`);
      const page = readPage(c, STATUS_LIMITS);
      const result = await savedStatuses(ctx, viewer, table, page);
      setLinkHeader(c, page, result.cursors);
      return c.json(renderStatuses(ctx.config, result.statuses));
    });
  }
  return app;
}
