// Attachments of remote statuses: rows that link to the file on its server (remote_url), with
// the alt text, blurhash, focal point and size the note gave. With KITH_REMOTE_MEDIA=cache a
// job then keeps a processed copy here (federation/remote/media-cache.ts).
import { newId } from "../../db/ids.ts";
import type { MediaType } from "../../db/schema.ts";
import { enqueue } from "../../jobs/queue.ts";
import type { Context } from "../context.ts";
import { rejectsMedia } from "../moderation/domain-policy.ts";
import type { MediaMeta, MediaRow } from "./queries.ts";
import { typeFromMediaType } from "./rules.ts";

export interface RemoteMediaInput {
  url: string;
  mediaType: string | null;
  kind: "image" | "video" | "audio" | null;
  description: string | null;
  blurhash: string | null;
  focus: { x: number; y: number } | null;
  width: number | null;
  height: number | null;
}

/** The queue of remote media to cache (KITH_REMOTE_MEDIA=cache). */
export const REMOTE_MEDIA_CACHE_QUEUE = "remote-media-cache";

/**
 * Whether media from `host` is taken in: not when the instance's domain policy says
 * reject_media for it. A refused host's attachments are kept as Mastodon keeps them: type
 * "unknown", a link to the original and nothing else, never cached.
 */
export async function acceptRemoteMedia(ctx: Context, host: string): Promise<boolean> {
  return !(await rejectsMedia(ctx, host));
}

function typeOf(media: RemoteMediaInput): MediaType {
  if (media.mediaType) return typeFromMediaType(media.mediaType);
  return media.kind ?? "unknown";
}

/** Rows for a remote status's attachments, in order. */
export async function remoteMediaRows(
  ctx: Context,
  host: string,
  statusId: string,
  accountId: string,
  attachments: readonly RemoteMediaInput[],
): Promise<MediaRow[]> {
  const accepted = await acceptRemoteMedia(ctx, host);
  const now = new Date().toISOString();
  return attachments.map((media, position) => {
    const meta: MediaMeta = {};
    if (accepted && media.width && media.height)
      meta.original = {
        width: media.width,
        height: media.height,
        size: `${media.width}x${media.height}`,
        aspect: media.width / media.height,
      };
    if (accepted && media.focus) meta.focus = media.focus;
    return {
      id: newId(),
      account_id: accountId,
      status_id: statusId,
      scheduled_status_id: null,
      position,
      type: accepted ? typeOf(media) : "unknown",
      state: "done",
      content_type: accepted ? media.mediaType : null,
      file_key: null,
      preview_key: null,
      upload_key: null,
      file_size: null,
      remote_url: media.url,
      remote_preview_url: null,
      description: media.description,
      blurhash: accepted ? media.blurhash : null,
      meta: JSON.stringify(meta),
      created_at: now,
      updated_at: now,
    };
  });
}

/** Stores a new remote status's attachments (inside its transaction). */
export async function insertRemoteMedia(ctx: Context, rows: readonly MediaRow[]): Promise<void> {
  if (rows.length === 0) return;
  await ctx.db.kysely.insertInto("media_attachments").values(rows).execute();
  if (ctx.config.media.remote !== "cache") return;
  for (const row of rows)
    if (row.type !== "unknown")
      await enqueue(ctx.db, REMOTE_MEDIA_CACHE_QUEUE, { mediaId: row.id }, { maxAttempts: 3 });
}

/** Whether an edit's attachments differ from the stored ones (what shows: url, alt text). */
export function remoteMediaDiffers(
  stored: readonly MediaRow[],
  incoming: readonly RemoteMediaInput[],
): boolean {
  const key = (url: string | null, description: string | null) => `${url}\n${description ?? ""}`;
  return (
    stored.map((m) => key(m.remote_url, m.description)).join("\n\n") !==
    incoming.map((m) => key(m.url, m.description)).join("\n\n")
  );
}
