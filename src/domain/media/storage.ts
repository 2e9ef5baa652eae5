// Where media files live. Everything else goes through this interface, so that an
// S3-compatible backend can stand in for the local disk: it has to put, get and delete bytes
// by key and say at which public URL a key is served. Keys are made here from random ids
// (never from user-given names): `ab/cd/<random>-<variant>.<ext>`; the extension gives the
// Content-Type a file is served with. Keys under `incoming/` are uploads waiting to be
// processed (they may still carry EXIF and GPS data) and are never served.
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import type { Config } from "../../config.ts";

export interface StoredFile {
  size: number;
  modifiedAt: Date;
  /** A stream of bytes `start`..`end` (inclusive), or all of them. */
  open(range?: { start: number; end: number }): Readable;
}

export interface MediaStorage {
  put(key: string, data: Uint8Array): Promise<void>;
  /** null when there is no such file */
  get(key: string): Promise<StoredFile | null>;
  /** Removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** The public URL the file is served at. */
  url(key: string): string;
}

/** The path media files are served under by the web process (http/media-files.ts). */
export const MEDIA_PATH = "/system/media/";

export const CONTENT_TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  mp4: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
  m4v: "video/x-m4v",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
  opus: "audio/opus",
  wav: "audio/wav",
  flac: "audio/flac",
  m4a: "audio/mp4",
  aac: "audio/aac",
  bin: "application/octet-stream",
};

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/gif": "gif",
  "video/mp4": "mp4",
  "video/webm": "webm",
  "video/quicktime": "mov",
  "video/x-m4v": "m4v",
  "audio/mpeg": "mp3",
  "audio/ogg": "ogg",
  "audio/opus": "opus",
  "audio/wav": "wav",
  "audio/flac": "flac",
  "audio/x-flac": "flac",
  "audio/mp4": "m4a",
  "audio/x-m4a": "m4a",
  "audio/aac": "aac",
};

/** The extension a file of this MIME type is stored with. */
export const extensionFor = (mime: string) => EXTENSIONS[mime] ?? "bin";

/** A fresh key for one variant (`original`, `small`, `avatar`…) of a new file. */
export function newKey(variant: string, mime: string): string {
  const id = randomBytes(12).toString("hex");
  return `${id.slice(0, 2)}/${id.slice(2, 4)}/${id}-${variant}.${extensionFor(mime)}`;
}

/** A key for an upload waiting for the media job. */
export const incomingKey = () => `incoming/${randomBytes(12).toString("hex")}`;

const KEY_RE =
  /^(?:incoming\/[0-9a-f]{24}|[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{24}-[a-z]+\.[a-z0-9]+)$/;

/** Whether a key has the shape Kith makes, so a request path cannot name anything else. */
export const isMediaKey = (key: string) => KEY_RE.test(key);

/** The key behind a URL this storage serves, or null (a remote or default image). */
export function keyOfUrl(storage: MediaStorage, url: string | null): string | null {
  if (!url) return null;
  const base = storage.url("");
  if (!url.startsWith(base)) return null;
  const key = url.slice(base.length);
  return isMediaKey(key) ? key : null;
}

/** Files on the local disk, under `dir`, served by the web process at MEDIA_PATH. */
export class LocalDiskStorage implements MediaStorage {
  private readonly dir: string;
  private readonly publicBase: string;

  constructor(dir: string, publicBase: string) {
    this.dir = dir;
    this.publicBase = publicBase;
  }

  private path(key: string): string {
    if (!isMediaKey(key)) throw new Error(`not a media key: ${key}`);
    return join(this.dir, ...key.split("/"));
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    // Written aside and renamed, so a reader never sees half a file.
    const partial = `${path}.${randomBytes(4).toString("hex")}.part`;
    await writeFile(partial, data, { mode: 0o644 });
    await rename(partial, path);
  }

  async get(key: string): Promise<StoredFile | null> {
    if (!isMediaKey(key)) return null;
    const path = this.path(key);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return null;
    return {
      size: info.size,
      modifiedAt: info.mtime,
      open: (range) => createReadStream(path, range ?? {}),
    };
  }

  async delete(key: string): Promise<void> {
    if (!isMediaKey(key)) return;
    await rm(this.path(key), { force: true });
  }

  url(key: string): string {
    return `${this.publicBase}${key}`;
  }
}

const storages = new WeakMap<Config, MediaStorage>();

/** The storage of the Kith `config` belongs to (the local disk; see docs/admin-guide.md). */
export function mediaStorage(config: Config): MediaStorage {
  let storage = storages.get(config);
  if (!storage) {
    storage = new LocalDiskStorage(config.media.dir, `${config.origin}${MEDIA_PATH}`);
    storages.set(config, storage);
  }
  return storage;
}
