// POST /api/v1/statuses (or, with `scheduled_at`, a scheduled status), GET /api/v1/statuses?id[]=, GET and DELETE /api/v1/statuses/:id,
// GET /api/v1/statuses/:id/context.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import { validation } from "../../domain/errors.ts";
import { statusContext } from "../../domain/statuses/context.ts";
import { createStatus, type NewStatus, VISIBILITIES } from "../../domain/statuses/create.ts";
import { deleteStatus } from "../../domain/statuses/delete.ts";
import { findVisibleStatus, findVisibleStatuses } from "../../domain/statuses/queries.ts";
import { scheduledTime, scheduleStatus } from "../../domain/statuses/scheduled.ts";
import { type AppEnv, optionalViewer, requireUser } from "../auth.ts";
import { renderScheduledStatus } from "../entities/scheduled-status.ts";
import {
  renderStatus,
  renderStatuses,
  renderStatusRow,
  renderStatusRows,
} from "../entities/status.ts";
import { bodyParams, queryParams } from "../params.ts";
import { zBool, zStringList } from "../schemas.ts";

// An empty string or null means "not given", as Rails' `.presence` reads form fields.
const optionalText = z.preprocess(
  (v) => (v === "" || v === null ? undefined : typeof v === "number" ? String(v) : v),
  z.string().optional(),
);

// `poll[options][]=…&poll[expires_in]=…` or a JSON object; empty means "no poll".
export const pollSchema = z.preprocess(
  (v) => (v === "" || v === null ? undefined : v),
  z
    .object(
      {
        options: zStringList,
        expires_in: z.union([z.string(), z.number()]).optional().nullable(),
        multiple: zBool,
        hide_totals: zBool,
      },
      { error: "must be an object with options and expires_in" },
    )
    .optional(),
);

const BATCH_LIMIT = 20;

const createSchema = z.object({
  status: z.preprocess((v) => (v === null || v === undefined ? "" : v), z.string()),
  spoiler_text: z.preprocess((v) => (v === null ? undefined : v), z.string().optional()),
  sensitive: zBool,
  visibility: z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.enum(VISIBILITIES as [string, ...string[]]).optional(),
  ),
  in_reply_to_id: optionalText,
  language: optionalText,
  media_ids: zStringList,
  poll: pollSchema,
  scheduled_at: optionalText,
});

export function statusRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/api/v1/statuses", async (c) => {
    const viewer = requireUser(c, "write:statuses");
    const applicationId = c.get("auth")?.grant.applicationId ?? null;
    const p = createSchema.parse(await bodyParams(c));
    const input: NewStatus = {
      text: p.status,
      spoilerText: p.spoiler_text,
      sensitive: p.sensitive,
      visibility: p.visibility as (typeof VISIBILITIES)[number] | undefined,
      inReplyToId: p.in_reply_to_id ?? null,
      language: p.language ?? null,
      mediaIds: p.media_ids.filter((m) => m !== ""),
      idempotencyKey: c.req.header("Idempotency-Key") ?? null,
      applicationId,
      poll: p.poll && {
        options: p.poll.options,
        expiresIn: p.poll.expires_in,
        multiple: p.poll.multiple,
        hideTotals: p.poll.hide_totals,
      },
    };
    // A time five minutes ahead or more schedules the status instead (Mastodon's rule).
    const at = p.scheduled_at ? scheduledTime(p.scheduled_at) : null;
    if (at)
      return c.json(
        renderScheduledStatus(ctx.config, await scheduleStatus(ctx, viewer, input, at)),
      );
    const row = await createStatus(ctx, viewer, input);
    return c.json(await renderStatusRow(ctx, viewer, row));
  });

  app.get("/api/v1/statuses", async (c) => {
    const viewer = optionalViewer(c, "read:statuses");
    const ids = [...new Set(zStringList.parse(queryParams(c).id))];
    // As Mastodon (check_statuses_limit): more than a page of statuses is refused, not cut.
    if (ids.length > BATCH_LIMIT)
      throw validation(`Validation failed: at most ${BATCH_LIMIT} IDs may be given`);
    const rows = await findVisibleStatuses(ctx, viewer, ids);
    return c.json(await renderStatusRows(ctx, viewer, rows));
  });

  app.get("/api/v1/statuses/:id", async (c) => {
    const viewer = optionalViewer(c, "read:statuses");
    const row = await findVisibleStatus(ctx, viewer, c.req.param("id"));
    return c.json(await renderStatusRow(ctx, viewer, row));
  });

  app.delete("/api/v1/statuses/:id", async (c) => {
    const viewer = requireUser(c, "write:statuses");
    const view = await deleteStatus(ctx, viewer, c.req.param("id"));
    return c.json(renderStatus(ctx.config, view));
  });

  app.get("/api/v1/statuses/:id/context", async (c) => {
    const viewer = optionalViewer(c, "read:statuses");
    const context = await statusContext(ctx, viewer, c.req.param("id"));
    return c.json({
      ancestors: renderStatuses(ctx.config, context.ancestors),
      descendants: renderStatuses(ctx.config, context.descendants),
    });
  });

  return app;
}
