// KITH_REMOTE_MEDIA=cache: a copy of a remote attachment kept here, so that readers' clients
// load it from this server, not from the author's. Fetched with the bounds of every remote
// fetch (https only outside development, no private addresses, a time limit, same-origin
// redirects) and the size limit of its kind; then checked and processed as an upload is
// (images upright, stripped, scaled, with a preview). What cannot be fetched or is refused
// stays a link to the original.
import type { Context } from "../../domain/context.ts";
import { DomainError } from "../../domain/errors.ts";
import { processImage, sniff } from "../../domain/media/processor.ts";
import { parseMeta } from "../../domain/media/queries.ts";
import { acceptRemoteMedia } from "../../domain/media/remote.ts";
import { checkSize, kindOf, MEDIA_LIMITS } from "../../domain/media/rules.ts";
import { mediaStorage, newKey } from "../../domain/media/storage.ts";
import { imageMeta, storeImage } from "../../domain/media/uploads.ts";
import { logger } from "../../logging.ts";
import { KITH_VERSION } from "../../version.ts";
import { createBoundedGet, RemoteError } from "./loader.ts";

const log = logger("federation", "media");
const FETCH_TIMEOUT_MS = 60_000;

export async function cacheRemoteMedia(kith: Context, payload: unknown): Promise<void> {
  const mediaId = (payload as { mediaId?: unknown })?.mediaId;
  if (typeof mediaId !== "string") return;
  const { kysely } = kith.db;
  const row = await kysely
    .selectFrom("media_attachments")
    .selectAll()
    .where("id", "=", mediaId)
    .executeTakeFirst();
  if (!row?.remote_url || row.file_key || row.status_id === null) return;
  const url = new URL(row.remote_url);
  if (!(await acceptRemoteMedia(kith, url.host))) return;
  const get = createBoundedGet({
    devMode: kith.config.devMode,
    userAgent: `Kith/${KITH_VERSION} (+${kith.config.origin})`,
    timeoutMs: FETCH_TIMEOUT_MS,
    maxBytes: row.type === "image" ? MEDIA_LIMITS.imageBytes : MEDIA_LIMITS.videoBytes,
  });
  const storage = mediaStorage(kith.config);
  const stored: string[] = [];
  try {
    const { bytes } = await get(url.href, "*/*", () => true);
    const mime = await sniff(bytes);
    const kind = kindOf(mime);
    checkSize(kind, bytes.length);
    const meta = parseMeta(row.meta);
    let set: Record<string, string | number | null>;
    if (kind === "image") {
      const image = await processImage(bytes, mime!);
      const keys = await storeImage(storage, image.original, image.preview);
      stored.push(keys.fileKey, ...(keys.previewKey ? [keys.previewKey] : []));
      set = {
        file_key: keys.fileKey,
        preview_key: keys.previewKey,
        content_type: image.original.mime,
        file_size: image.original.data.length,
        blurhash: row.blurhash ?? image.blurhash,
        meta: JSON.stringify(imageMeta(image.original, image.preview, meta.focus)),
      };
    } else {
      const key = newKey("original", mime!);
      await storage.put(key, bytes);
      stored.push(key);
      set = { file_key: key, content_type: mime, file_size: bytes.length };
    }
    const updated = await kysely
      .updateTable("media_attachments")
      .set({ ...set, updated_at: new Date().toISOString() })
      .where("id", "=", row.id)
      .where("file_key", "is", null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) for (const key of stored) await storage.delete(key);
  } catch (error) {
    for (const key of stored) await storage.delete(key);
    if (error instanceof DomainError || error instanceof RemoteError) {
      // Refused or unreachable: it stays a link to the original.
      log.info("Remote media {url} not cached: {error}", { url: url.href, error: error.message });
      return;
    }
    throw error;
  }
}
