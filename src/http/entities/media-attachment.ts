// The MediaAttachment entity (Mastodon 4.5). Local files are served from the media storage;
// a remote attachment that is not cached here links to where its server keeps it.
import type { Config } from "../../config.ts";
import { type MediaRow, parseMeta } from "../../domain/media/queries.ts";
import { mediaStorage } from "../../domain/media/storage.ts";

export function renderMediaAttachment(config: Config, row: MediaRow) {
  const storage = mediaStorage(config);
  const url = row.file_key ? storage.url(row.file_key) : row.remote_url;
  const previewUrl = row.preview_key
    ? storage.url(row.preview_key)
    : (row.remote_preview_url ?? (row.type === "image" ? url : null));
  const meta = parseMeta(row.meta);
  return {
    id: row.id,
    type: row.type,
    url: row.state === "done" || row.remote_url ? url : null,
    preview_url: row.state === "done" || row.remote_url ? previewUrl : null,
    remote_url: row.remote_url,
    preview_remote_url: row.remote_preview_url,
    text_url: null,
    meta: {
      ...(meta.original ? { original: meta.original } : {}),
      ...(meta.small ? { small: meta.small } : {}),
      ...(meta.focus ? { focus: meta.focus } : {}),
    },
    description: row.description,
    blurhash: row.blurhash,
  };
}
