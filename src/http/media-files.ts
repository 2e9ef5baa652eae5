// The media files of the local storage (domain/media/storage.ts), served at /system/media/…:
// named by random keys and never changed once written, so cached for a year as immutable, with
// an ETag and Last-Modified, the type from the extension Kith gave the file, nosniff, a
// sandboxing CSP (a file is never a page), and single byte ranges for audio and video seeking.
import { Readable } from "node:stream";
import { Hono } from "hono";
import type { Context } from "../domain/context.ts";
import { CONTENT_TYPES, isMediaKey, MEDIA_PATH, mediaStorage } from "../domain/media/storage.ts";

function parseRange(header: string | undefined, size: number) {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === "" && m[2] === "")) return null;
  let start: number;
  let end: number;
  if (m[1] === "") {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start <= end && start < size ? { start, end } : "unsatisfiable";
}

/** Requests that may carry a media file: the body limit is the upload limit there. */
export const isUploadRequest = (path: string) =>
  /^\/api\/v[12]\/media(?:\/\d+)?$/.test(path) || path === "/api/v1/accounts/update_credentials";

export function mediaFileRoutes(ctx: Context): Hono {
  const app = new Hono();
  app.get(`${MEDIA_PATH}*`, async (c) => {
    const key = c.req.path.slice(MEDIA_PATH.length);
    if (!isMediaKey(key) || key.startsWith("incoming/"))
      return c.json({ error: "Record not found" }, 404);
    const file = await mediaStorage(ctx.config).get(key);
    if (!file) return c.json({ error: "Record not found" }, 404);
    const etag = `"${file.size.toString(16)}-${file.modifiedAt.getTime().toString(16)}"`;
    const extension = key.slice(key.lastIndexOf(".") + 1);
    const headers: Record<string, string> = {
      "Content-Type": CONTENT_TYPES[extension] ?? "application/octet-stream",
      "Cache-Control": "public, max-age=31536000, immutable",
      ETag: etag,
      "Last-Modified": file.modifiedAt.toUTCString(),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Accept-Ranges": "bytes",
      "Access-Control-Allow-Origin": "*",
    };
    if (c.req.header("If-None-Match") === etag) return c.body(null, 304, headers);
    const range = parseRange(c.req.header("Range"), file.size);
    if (range === "unsatisfiable")
      return c.body(null, 416, { ...headers, "Content-Range": `bytes */${file.size}` });
    const stream = (r?: { start: number; end: number }) =>
      Readable.toWeb(file.open(r)) as ReadableStream<Uint8Array>;
    if (range) {
      return c.body(stream(range), 206, {
        ...headers,
        "Content-Range": `bytes ${range.start}-${range.end}/${file.size}`,
        "Content-Length": String(range.end - range.start + 1),
      });
    }
    return c.body(stream(), 200, { ...headers, "Content-Length": String(file.size) });
  });
  return app;
}
