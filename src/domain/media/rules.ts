// What Kith accepts as media, as Mastodon's MediaAttachment does: the kind of a file comes from
// its content (never its name or declared type), with a size limit per kind, Mastodon's pixel
// limits, a 1,500-character description and a focal point within [-1, 1] on both axes.
import type { MediaType } from "../../db/schema.ts";
import { validation } from "../errors.ts";

export const MB = 1024 * 1024;

export const MEDIA_LIMITS = {
  imageBytes: 16 * MB,
  videoBytes: 99 * MB,
  /** 3840×2160; larger images are scaled down to this many pixels, keeping their aspect. */
  imagePixels: 8_294_400,
  /** Refused outright above this (Mastodon's image_matrix_limit: 7680×4320). */
  imageInputPixels: 33_177_600,
  /** The preview ("small") version: Mastodon's 640×360 area. */
  previewPixels: 230_400,
  descriptionChars: 1500,
  /** Attachments per status. */
  perStatus: 4,
} as const;

/** The whole upload request, checked before the body is read: the largest file and a thumbnail. */
export const MAX_UPLOAD_BODY_BYTES = MEDIA_LIMITS.videoBytes + MEDIA_LIMITS.imageBytes + MB;

const IMAGE_TYPES = new Set([
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/gif",
  "image/avif",
  "image/heic",
  "image/heif",
]);
const VIDEO_TYPES = new Set(["video/mp4", "video/webm", "video/quicktime", "video/x-m4v"]);
const AUDIO_TYPES = new Set([
  "audio/mpeg",
  "audio/ogg",
  "audio/opus",
  "audio/wav",
  "audio/flac",
  "audio/x-flac",
  "audio/mp4",
  "audio/x-m4a",
  "audio/aac",
]);

/** The MIME types accepted, for the instance entity. */
export const SUPPORTED_MIME_TYPES = [...IMAGE_TYPES, ...VIDEO_TYPES, ...AUDIO_TYPES];

export type MediaKind = "image" | "video" | "audio";

/** The kind of a sniffed MIME type, or a 422 naming it. */
export function kindOf(mime: string | null): MediaKind {
  if (mime && IMAGE_TYPES.has(mime)) return "image";
  if (mime && VIDEO_TYPES.has(mime)) return "video";
  if (mime && AUDIO_TYPES.has(mime)) return "audio";
  throw validation(
    `Validation failed: File content type ${mime ? `${mime} ` : ""}is not supported (images, video and audio only)`,
  );
}

/** A 422 unless `bytes` fits the limit of its kind. */
export function checkSize(kind: MediaKind, bytes: number): void {
  const limit = kind === "image" ? MEDIA_LIMITS.imageBytes : MEDIA_LIMITS.videoBytes;
  if (bytes > limit)
    throw validation(
      `Validation failed: File file size must be less than ${limit / MB} MB (${kind})`,
    );
}

/** Mastodon's remote type mapping: a media type's top-level kind. */
export function typeFromMediaType(mediaType: string | null): MediaType {
  const top = (mediaType ?? "").split("/")[0];
  if (top === "image") return "image";
  if (top === "video") return "video";
  if (top === "audio") return "audio";
  return "unknown";
}

export interface Focus {
  x: number;
  y: number;
}

/** "x,y" with both in [-1, 1]; a 422 otherwise. */
export function parseFocus(value: string): Focus {
  const parts = value.split(",").map((p) => p.trim());
  const [x, y] = parts.map(Number);
  if (
    parts.length !== 2 ||
    x === undefined ||
    y === undefined ||
    !Number.isFinite(x) ||
    !Number.isFinite(y) ||
    Math.abs(x) > 1 ||
    Math.abs(y) > 1
  )
    throw validation('Validation failed: Focus must be "x,y" with both between -1.0 and 1.0');
  return { x, y };
}

/** The description as stored: trimmed, null when empty; a 422 when too long. */
export function checkDescription(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  const text = value.trim().replaceAll("\u0000", "");
  if ([...text].length > MEDIA_LIMITS.descriptionChars)
    throw validation(
      `Validation failed: Description is too long (maximum is ${MEDIA_LIMITS.descriptionChars} characters)`,
    );
  return text === "" ? null : text;
}
