// POST /api/v2/media (asynchronous: 202 while an image is processed), POST /api/v1/media
// (processed before answering), GET, PUT and DELETE /api/v1/media/:id, as Mastodon's
// MediaController. Only the owner sees or changes media; GET answers 206 while processing.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import { validation } from "../../domain/errors.ts";
import {
  deleteMedia,
  findOwnMedia,
  type MediaUpload,
  updateMedia,
  uploadMedia,
} from "../../domain/media/uploads.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderMediaAttachment } from "../entities/media-attachment.ts";
import { bodyParams, type Params } from "../params.ts";

const text = z.preprocess(
  (v) => (v === null || v instanceof File ? undefined : v),
  z.string({ error: "must be a string" }).optional(),
);
const fieldsSchema = z.object({ description: text, focus: text });

/** A form field holding a file, as bytes; undefined when absent or empty. */
export async function fileParam(params: Params, name: string): Promise<Uint8Array | undefined> {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (!(value instanceof File)) throw validation(`Validation failed: ${name} must be a file`);
  if (value.size === 0) return undefined;
  return new Uint8Array(await value.arrayBuffer());
}

async function readUpload(params: Params): Promise<MediaUpload> {
  const file = await fileParam(params, "file");
  if (!file) throw validation("Validation failed: File can't be blank");
  const fields = fieldsSchema.parse(params);
  return {
    file,
    thumbnail: (await fileParam(params, "thumbnail")) ?? null,
    ...(fields.description !== undefined ? { description: fields.description } : {}),
    ...(fields.focus ? { focus: fields.focus } : {}),
  };
}

export function mediaRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/api/v2/media", async (c) => {
    const viewer = requireUser(c, "write:media");
    const row = await uploadMedia(ctx, viewer, await readUpload(await bodyParams(c)), {
      async: true,
    });
    return c.json(renderMediaAttachment(ctx.config, row), row.state === "queued" ? 202 : 200);
  });

  app.post("/api/v1/media", async (c) => {
    const viewer = requireUser(c, "write:media");
    const row = await uploadMedia(ctx, viewer, await readUpload(await bodyParams(c)), {
      async: false,
    });
    return c.json(renderMediaAttachment(ctx.config, row));
  });

  app.get("/api/v1/media/:id", async (c) => {
    const viewer = requireUser(c, "write:media");
    const row = await findOwnMedia(ctx, viewer, c.req.param("id"));
    if (row.state === "failed")
      return c.json({ error: "Error processing thumbnail for uploaded media" }, 422);
    return c.json(renderMediaAttachment(ctx.config, row), row.state === "queued" ? 206 : 200);
  });

  app.put("/api/v1/media/:id", async (c) => {
    const viewer = requireUser(c, "write:media");
    const params = await bodyParams(c);
    const fields = fieldsSchema.parse(params);
    const thumbnail = await fileParam(params, "thumbnail");
    const row = await updateMedia(ctx, viewer, c.req.param("id"), {
      ...(fields.description !== undefined ? { description: fields.description } : {}),
      ...(fields.focus !== undefined ? { focus: fields.focus } : {}),
      ...(thumbnail ? { thumbnail } : {}),
    });
    return c.json(renderMediaAttachment(ctx.config, row), row.state === "queued" ? 206 : 200);
  });

  app.delete("/api/v1/media/:id", async (c) => {
    const viewer = requireUser(c, "write:media");
    await deleteMedia(ctx, viewer, c.req.param("id"));
    return c.json({});
  });

  return app;
}
