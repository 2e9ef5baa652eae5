// Uploading, reading, changing and deleting one's own media (Mastodon's MediaController). The
// file is checked before anything is stored: its type from its content, its size for that type,
// an image's dimensions; a refused upload leaves no row and no file. Images that need real work
// (scaling down, animated GIFs) go to the media job when the client asked for the asynchronous
// API (v2); everything else is processed at once.
import { newId } from "../../db/ids.ts";
import { enqueue } from "../../jobs/queue.ts";
import { type Context, inTransaction } from "../context.ts";
import { DomainError, notFound, validation } from "../errors.ts";
import type { Viewer } from "../viewer.ts";
import { type ImageVariant, processImage, sniff } from "./processor.ts";
import { type MediaMeta, type MediaRow, parseMeta, sizeMeta } from "./queries.ts";
import {
  checkDescription,
  checkSize,
  type Focus,
  kindOf,
  MEDIA_LIMITS,
  parseFocus,
} from "./rules.ts";
import { incomingKey, type MediaStorage, mediaStorage, newKey } from "./storage.ts";

/** The queue of uploads the worker processes (jobs.ts). */
export const MEDIA_QUEUE = "media";

export interface MediaUpload {
  file: Uint8Array;
  thumbnail?: Uint8Array | null;
  description?: string;
  focus?: string;
}

/** Stores the variants of a processed image; returns their keys. */
export async function storeImage(
  storage: MediaStorage,
  original: ImageVariant,
  preview: ImageVariant | null,
) {
  const fileKey = newKey("original", original.mime);
  await storage.put(fileKey, original.data);
  const previewKey = preview ? newKey("small", preview.mime) : null;
  if (preview && previewKey) await storage.put(previewKey, preview.data);
  return { fileKey, previewKey };
}

/** A checked thumbnail (an image of at most the image size) as a preview and its blurhash. */
async function processThumbnail(data: Uint8Array) {
  const mime = await sniff(data);
  if (kindOf(mime) !== "image") throw validation("Validation failed: Thumbnail must be an image");
  checkSize("image", data.length);
  const processed = await processImage(data, mime!);
  return { preview: processed.original, blurhash: processed.blurhash };
}

/** Whether an image would take real work: scaling down, or an animation. */
async function isHeavyImage(data: Uint8Array, mime: string): Promise<boolean> {
  const sharp = (await import("sharp")).default;
  try {
    const meta = await sharp(data, { limitInputPixels: MEDIA_LIMITS.imageInputPixels }).metadata();
    const pixels = (meta.width ?? 0) * (meta.pageHeight ?? meta.height ?? 0);
    if (pixels < 1) throw new Error("no size");
    return pixels > MEDIA_LIMITS.imagePixels || (mime === "image/gif" && (meta.pages ?? 1) > 1);
  } catch {
    throw validation(
      "Validation failed: File could not be read as an image (corrupt, unsupported or larger than 33,177,600 pixels)",
    );
  }
}

export async function uploadMedia(
  ctx: Context,
  viewer: Viewer,
  upload: MediaUpload,
  options: { async: boolean },
): Promise<MediaRow> {
  const description = checkDescription(upload.description) ?? null;
  const focus = upload.focus ? parseFocus(upload.focus) : undefined;
  const mime = await sniff(upload.file);
  const kind = kindOf(mime);
  checkSize(kind, upload.file.length);
  const storage = mediaStorage(ctx.config);
  const now = new Date().toISOString();
  const base = {
    id: newId(),
    account_id: viewer.accountId,
    status_id: null,
    scheduled_status_id: null,
    description,
    remote_url: null,
    remote_preview_url: null,
    created_at: now,
    updated_at: now,
  };
  const written: string[] = [];
  try {
    if (kind === "image" && options.async && (await isHeavyImage(upload.file, mime!))) {
      const uploadKey = incomingKey();
      await storage.put(uploadKey, upload.file);
      written.push(uploadKey);
      const row: MediaRow = {
        ...base,
        position: 0,
        type: "image",
        state: "queued",
        content_type: null,
        file_key: null,
        preview_key: null,
        upload_key: uploadKey,
        file_size: null,
        blurhash: null,
        meta: JSON.stringify(focus ? { focus } : {}),
      };
      await inTransaction(ctx, async (tctx, trx) => {
        await trx.insertInto("media_attachments").values(row).execute();
        await enqueue(tctx.db, MEDIA_QUEUE, { mediaId: row.id });
      });
      return row;
    }
    let row: MediaRow;
    if (kind === "image") {
      const image = await processImage(upload.file, mime!);
      const keys = await storeImage(storage, image.original, image.preview);
      written.push(keys.fileKey, ...(keys.previewKey ? [keys.previewKey] : []));
      row = {
        ...base,
        position: 0,
        type: "image",
        state: "done",
        content_type: image.original.mime,
        file_key: keys.fileKey,
        preview_key: keys.previewKey,
        upload_key: null,
        file_size: image.original.data.length,
        blurhash: image.blurhash,
        meta: JSON.stringify(imageMeta(image.original, image.preview, focus)),
      };
    } else {
      // Stored as uploaded: Kith does not transcode video or audio.
      const thumbnail = upload.thumbnail ? await processThumbnail(upload.thumbnail) : null;
      const fileKey = newKey("original", mime!);
      await storage.put(fileKey, upload.file);
      written.push(fileKey);
      let previewKey: string | null = null;
      if (thumbnail) {
        previewKey = newKey("small", thumbnail.preview.mime);
        await storage.put(previewKey, thumbnail.preview.data);
        written.push(previewKey);
      }
      const meta: MediaMeta = {
        ...(thumbnail
          ? { small: sizeMeta(thumbnail.preview.width, thumbnail.preview.height) }
          : {}),
        ...(focus ? { focus } : {}),
      };
      row = {
        ...base,
        position: 0,
        type: kind,
        state: "done",
        content_type: mime,
        file_key: fileKey,
        preview_key: previewKey,
        upload_key: null,
        file_size: upload.file.length,
        blurhash: thumbnail?.blurhash ?? null,
        meta: JSON.stringify(meta),
      };
    }
    await ctx.db.kysely.insertInto("media_attachments").values(row).execute();
    return row;
  } catch (error) {
    // Nothing stays behind from a refused or failed upload.
    await Promise.all(written.map((key) => storage.delete(key).catch(() => {})));
    throw error;
  }
}

export function imageMeta(
  original: { width: number; height: number },
  preview: { width: number; height: number } | null,
  focus?: Focus,
): MediaMeta {
  return {
    original: sizeMeta(original.width, original.height),
    ...(preview ? { small: sizeMeta(preview.width, preview.height) } : {}),
    ...(focus ? { focus } : {}),
  };
}

/** The viewer's own media; anyone else's is "not found", as Mastodon answers. */
export async function findOwnMedia(ctx: Context, viewer: Viewer, id: string): Promise<MediaRow> {
  const row = await ctx.db.kysely
    .selectFrom("media_attachments")
    .selectAll()
    .where("id", "=", id)
    .where("account_id", "=", viewer.accountId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export interface MediaChanges {
  description?: string;
  focus?: string;
  thumbnail?: Uint8Array | null;
}

/**
 * Changes one's own media. Once attached to a status only the description may change (the
 * rest goes with editing the status); focus and thumbnail are for unattached media.
 */
export async function updateMedia(
  ctx: Context,
  viewer: Viewer,
  id: string,
  changes: MediaChanges,
): Promise<MediaRow> {
  const row = await findOwnMedia(ctx, viewer, id);
  const attached = row.status_id !== null || row.scheduled_status_id !== null;
  if (attached && (changes.focus !== undefined || changes.thumbnail))
    throw validation(
      "Validation failed: Media attached to a status can only change its description",
    );
  const description = checkDescription(changes.description);
  const meta = parseMeta(row.meta);
  if (changes.focus !== undefined) meta.focus = parseFocus(changes.focus);
  const set: Partial<MediaRow> = {
    meta: JSON.stringify(meta),
    updated_at: new Date().toISOString(),
  };
  if (description !== undefined) set.description = description;
  let oldPreview: string | null = null;
  if (changes.thumbnail) {
    if (row.type === "image") throw validation("Validation failed: Images take no thumbnail");
    const thumbnail = await processThumbnail(changes.thumbnail);
    const key = newKey("small", thumbnail.preview.mime);
    await mediaStorage(ctx.config).put(key, thumbnail.preview.data);
    oldPreview = row.preview_key;
    set.preview_key = key;
    set.blurhash = thumbnail.blurhash;
    meta.small = sizeMeta(thumbnail.preview.width, thumbnail.preview.height);
    set.meta = JSON.stringify(meta);
  }
  await ctx.db.kysely.updateTable("media_attachments").set(set).where("id", "=", row.id).execute();
  if (oldPreview) await mediaStorage(ctx.config).delete(oldPreview);
  return { ...row, ...set };
}

/** Deletes one's own unattached media with its files. */
export async function deleteMedia(ctx: Context, viewer: Viewer, id: string): Promise<void> {
  const row = await findOwnMedia(ctx, viewer, id);
  if (row.status_id !== null || row.scheduled_status_id !== null)
    throw new DomainError("validation", "Media attachment is currently used by a status");
  await removeMediaRows(ctx, [row]);
}

/** Deletes rows, then their files (a file without a row is harmless; the reverse is not). */
export async function removeMediaRows(ctx: Context, rows: readonly MediaRow[]): Promise<void> {
  if (rows.length === 0) return;
  await ctx.db.kysely
    .deleteFrom("media_attachments")
    .where(
      "id",
      "in",
      rows.map((r) => r.id),
    )
    .execute();
  const storage = mediaStorage(ctx.config);
  for (const row of rows)
    for (const key of [row.file_key, row.preview_key, row.upload_key])
      if (key) await storage.delete(key);
}
