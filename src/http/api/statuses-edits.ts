// PUT /api/v1/statuses/:id (an edit), GET /api/v1/statuses/:id/history and /source.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import { editStatus } from "../../domain/statuses/edit.ts";
import { statusHistory, statusSource } from "../../domain/statuses/history.ts";
import { type AppEnv, optionalViewer, requireUser } from "../auth.ts";
import { renderStatusRow } from "../entities/status.ts";
import { renderStatusEdit, renderStatusSource } from "../entities/status-edit.ts";
import { bodyParams } from "../params.ts";
import { zBool } from "../schemas.ts";
import { pollSchema } from "./statuses.ts";

// A field left out (or null) keeps its value; an empty `status` is blank text (a 422).
const keepUnlessGiven = z.preprocess(
  (v) => (v === null ? undefined : typeof v === "number" ? String(v) : v),
  z.string().optional(),
);

const mediaAttribute = z.object({
  id: z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string()),
  description: z.preprocess((v) => (v === null ? "" : v), z.string().optional()),
  focus: z.preprocess((v) => (v === null ? undefined : v), z.string().optional()),
});

const editSchema = z.object({
  status: keepUnlessGiven,
  spoiler_text: keepUnlessGiven,
  sensitive: zBool,
  language: z.preprocess((v) => (v === "" ? undefined : v), keepUnlessGiven),
  // Left out, the media stay; given (even empty), they are the status's media from now on.
  media_ids: z.preprocess(
    (v) => (v === undefined ? undefined : v === null ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string()).optional(),
  ),
  // `media_attributes[][id]=…` (form) or a JSON array of {id, description, focus}.
  media_attributes: z
    .union([z.array(mediaAttribute), z.record(z.string(), mediaAttribute)])
    .optional(),
  poll: pollSchema,
});

export function statusEditRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.put("/api/v1/statuses/:id", async (c) => {
    const viewer = requireUser(c, "write:statuses");
    const p = editSchema.parse(await bodyParams(c));
    const row = await editStatus(ctx, viewer, c.req.param("id"), {
      text: p.status,
      spoilerText: p.spoiler_text,
      sensitive: p.sensitive,
      language: p.language,
      mediaIds: p.media_ids?.filter((m) => m !== ""),
      mediaAttributes: p.media_attributes
        ? Array.isArray(p.media_attributes)
          ? p.media_attributes
          : Object.values(p.media_attributes)
        : undefined,
      // As Mastodon: an edit without a poll removes the status's poll (clients send it again).
      poll: p.poll
        ? {
            options: p.poll.options,
            expiresIn: p.poll.expires_in,
            multiple: p.poll.multiple,
            hideTotals: p.poll.hide_totals,
          }
        : null,
    });
    return c.json(await renderStatusRow(ctx, viewer, row));
  });

  app.get("/api/v1/statuses/:id/history", async (c) => {
    const viewer = optionalViewer(c, "read:statuses");
    const versions = await statusHistory(ctx, viewer, c.req.param("id"));
    return c.json(versions.map((v) => renderStatusEdit(ctx.config, v)));
  });

  app.get("/api/v1/statuses/:id/source", async (c) => {
    const viewer = requireUser(c, "read:statuses");
    return c.json(renderStatusSource(await statusSource(ctx, viewer, c.req.param("id"))));
  });

  return app;
}
