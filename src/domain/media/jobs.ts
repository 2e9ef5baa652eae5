// The media jobs: processing an upload the v2 API accepted (GET /api/v1/media/:id answers 206
// until it is done), and the periodic removal of media nobody attached within a day.
import type { Readable } from "node:stream";
import { logger } from "../../logging.ts";
import type { Context } from "../context.ts";
import { DomainError } from "../errors.ts";
import { processImage, sniff } from "./processor.ts";
import { parseMeta } from "./queries.ts";
import { mediaStorage } from "./storage.ts";
import { imageMeta, removeMediaRows, storeImage } from "./uploads.ts";

export const MEDIA_CLEANUP_QUEUE = "media-cleanup";
/** Mastodon's: media not attached to a status within a day is removed. */
export const UNATTACHED_RETENTION_MS = 86_400_000;

const log = logger("media");

async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Processes one queued upload; a file that cannot be processed marks the media failed. */
export async function processQueuedMedia(ctx: Context, payload: unknown): Promise<void> {
  const mediaId = (payload as { mediaId?: unknown })?.mediaId;
  if (typeof mediaId !== "string") return;
  const { kysely } = ctx.db;
  const row = await kysely
    .selectFrom("media_attachments")
    .selectAll()
    .where("id", "=", mediaId)
    .executeTakeFirst();
  if (row?.state !== "queued" || !row.upload_key) return;
  const storage = mediaStorage(ctx.config);
  const upload = await storage.get(row.upload_key);
  if (!upload) {
    await kysely
      .updateTable("media_attachments")
      .set({ state: "failed", upload_key: null })
      .where("id", "=", row.id)
      .execute();
    return;
  }
  const data = await readAll(upload.open());
  try {
    const mime = await sniff(data);
    const image = await processImage(data, mime ?? "");
    const keys = await storeImage(storage, image.original, image.preview);
    const focus = parseMeta(row.meta).focus;
    const updated = await kysely
      .updateTable("media_attachments")
      .set({
        state: "done",
        content_type: image.original.mime,
        file_key: keys.fileKey,
        preview_key: keys.previewKey,
        upload_key: null,
        file_size: image.original.data.length,
        blurhash: image.blurhash,
        meta: JSON.stringify(imageMeta(image.original, image.preview, focus)),
        updated_at: new Date().toISOString(),
      })
      .where("id", "=", row.id)
      .where("state", "=", "queued")
      .executeTakeFirst();
    // Deleted (or done by another run) meanwhile: the new files belong to nobody.
    if (Number(updated.numUpdatedRows) === 0) {
      await storage.delete(keys.fileKey);
      if (keys.previewKey) await storage.delete(keys.previewKey);
    }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error; // try again later
    log.info("Media {id} could not be processed: {error}", { id: row.id, error: error.message });
    await kysely
      .updateTable("media_attachments")
      .set({ state: "failed", upload_key: null, updated_at: new Date().toISOString() })
      .where("id", "=", row.id)
      .execute();
  }
  await storage.delete(row.upload_key);
}

/** Removes media (rows and files) that was never attached and is older than `olderThanMs`. */
export async function removeUnattachedMedia(
  ctx: Context,
  olderThanMs = UNATTACHED_RETENTION_MS,
): Promise<number> {
  const cutoff = new Date(Date.now() - olderThanMs).toISOString();
  let removed = 0;
  for (;;) {
    const rows = await ctx.db.kysely
      .selectFrom("media_attachments")
      .selectAll()
      .where("status_id", "is", null)
      .where("scheduled_status_id", "is", null)
      .where("created_at", "<", cutoff)
      .limit(200)
      .execute();
    if (rows.length === 0) return removed;
    await removeMediaRows(ctx, rows);
    removed += rows.length;
  }
}
