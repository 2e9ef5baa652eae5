// The viewer's scheduled statuses: GET /api/v1/scheduled_statuses (paged by ID, Link headers)
// and GET, PUT (a new `scheduled_at`) and DELETE /api/v1/scheduled_statuses/:id. Scheduling
// itself is POST /api/v1/statuses with `scheduled_at` (statuses.ts).
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import {
  cancelScheduledStatus,
  getScheduledStatus,
  listScheduledStatuses,
  rescheduleStatus,
} from "../../domain/statuses/scheduled.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderScheduledStatus } from "../entities/scheduled-status.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams } from "../params.ts";

const LIMITS = { default: 20, max: 40 };

const updateSchema = z.object({
  scheduled_at: z.string({ error: "is missing" }).min(1, "is missing"),
});

export function scheduledStatusRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/api/v1/scheduled_statuses", async (c) => {
    const viewer = requireUser(c, "read:statuses");
    const page = readPage(c, LIMITS);
    const list = await listScheduledStatuses(ctx, viewer, page);
    setLinkHeader(
      c,
      page,
      list.map((s) => s.id),
    );
    return c.json(list.map((s) => renderScheduledStatus(ctx.config, s)));
  });

  app.get("/api/v1/scheduled_statuses/:id", async (c) => {
    const viewer = requireUser(c, "read:statuses");
    return c.json(
      renderScheduledStatus(ctx.config, await getScheduledStatus(ctx, viewer, c.req.param("id"))),
    );
  });

  app.put("/api/v1/scheduled_statuses/:id", async (c) => {
    const viewer = requireUser(c, "write:statuses");
    const p = updateSchema.parse(await bodyParams(c));
    const updated = await rescheduleStatus(ctx, viewer, c.req.param("id"), p.scheduled_at);
    return c.json(renderScheduledStatus(ctx.config, updated));
  });

  app.delete("/api/v1/scheduled_statuses/:id", async (c) => {
    const viewer = requireUser(c, "write:statuses");
    await cancelScheduledStatus(ctx, viewer, c.req.param("id"));
    return c.json({});
  });

  return app;
}
