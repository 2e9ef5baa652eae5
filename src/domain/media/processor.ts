// Turning uploaded bytes into what Kith stores: the type sniffed from the content; images
// decoded with sharp, turned upright (EXIF orientation), stripped of all metadata (EXIF, GPS,
// XMP, ICC names: sharp writes none unless asked), scaled down to Mastodon's pixel limit, with
// a preview and a blurhash. Video and audio are stored as uploaded: Kith never runs ffmpeg, so
// nothing is transcoded (docs/admin-guide.md). sharp, blurhash and file-type are loaded on first
// use, so a process that handles no media never loads them.
import { validation } from "../errors.ts";
import { MEDIA_LIMITS } from "./rules.ts";

export interface ImageVariant {
  data: Uint8Array;
  mime: string;
  width: number;
  height: number;
}

export interface ProcessedImage {
  original: ImageVariant;
  preview: ImageVariant;
  blurhash: string;
  /** an animated GIF, kept animated */
  animated: boolean;
}

const sharpLib = async () => (await import("sharp")).default;

/** The MIME type the content says it is, or null when it is no known type. */
export async function sniff(data: Uint8Array): Promise<string | null> {
  const { fileTypeFromBuffer } = await import("file-type");
  return (await fileTypeFromBuffer(data))?.mime ?? null;
}

const unreadable = () =>
  validation("Validation failed: File could not be read as an image (corrupt or unsupported)");

/** Width and height to scale (w, h) down to at most `pixels`, keeping the aspect. */
export function fitPixels(width: number, height: number, pixels: number) {
  if (width * height <= pixels) return { width, height };
  const factor = Math.sqrt(pixels / (width * height));
  return {
    width: Math.max(1, Math.floor(width * factor)),
    height: Math.max(1, Math.floor(height * factor)),
  };
}

/** Output format: what came in for the web formats, JPEG (PNG with transparency) otherwise. */
function outputMime(mime: string, hasAlpha: boolean): string {
  if (["image/jpeg", "image/png", "image/webp", "image/gif"].includes(mime)) return mime;
  return hasAlpha ? "image/png" : "image/jpeg";
}

/**
 * Processes an image of sniffed type `mime`. `box` crops to exactly that size (avatars,
 * headers), otherwise the image keeps its aspect within `MEDIA_LIMITS.imagePixels`. Corrupt
 * or unreadable input is a 422.
 */
export async function processImage(
  data: Uint8Array,
  mime: string,
  box?: { width: number; height: number },
): Promise<ProcessedImage> {
  const sharp = await sharpLib();
  const options = { limitInputPixels: MEDIA_LIMITS.imageInputPixels, failOn: "error" as const };
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>["metadata"]>>;
  try {
    meta = await sharp(data, options).metadata();
  } catch {
    throw unreadable();
  }
  const pages = meta.pages ?? 1;
  const animated = mime === "image/gif" && pages > 1 && !box;
  const frameHeight = animated ? (meta.pageHeight ?? meta.height ?? 0) : (meta.height ?? 0);
  const upright = (meta.orientation ?? 1) >= 5;
  const width = upright ? frameHeight : (meta.width ?? 0);
  const height = upright ? (meta.width ?? 0) : frameHeight;
  if (width < 1 || height < 1) throw unreadable();
  if (width * height > MEDIA_LIMITS.imageInputPixels)
    throw validation(
      `Validation failed: File dimensions ${width}x${height} exceed ${MEDIA_LIMITS.imageInputPixels} pixels`,
    );
  const out = outputMime(mime, meta.hasAlpha === true);
  try {
    let pipeline = sharp(data, { ...options, animated }).rotate();
    if (box) {
      pipeline = pipeline.resize(box.width, box.height, { fit: "cover", withoutEnlargement: true });
    } else {
      const target = fitPixels(width, height, MEDIA_LIMITS.imagePixels);
      if (target.width !== width) pipeline = pipeline.resize(target.width, target.height);
    }
    pipeline = encode(pipeline, out);
    const { data: bytes, info } = await pipeline.toBuffer({ resolveWithObject: true });
    const original: ImageVariant = {
      data: bytes,
      mime: out,
      width: info.width,
      height: animated ? (info.pageHeight ?? info.height) : info.height,
    };
    const preview = await makePreview(bytes);
    return { original, preview, blurhash: await blurhashOf(preview.data), animated };
  } catch (error) {
    if (error instanceof Error && error.name === "DomainError") throw error;
    throw unreadable();
  }
}

function encode(pipeline: import("sharp").Sharp, mime: string): import("sharp").Sharp {
  switch (mime) {
    case "image/png":
      return pipeline.png();
    case "image/webp":
      return pipeline.webp({ quality: 90 });
    case "image/gif":
      return pipeline.gif();
    default:
      return pipeline.jpeg({ quality: 90 });
  }
}

/** The "small" version: the first frame, within Mastodon's preview area, as WebP. */
export async function makePreview(data: Uint8Array): Promise<ImageVariant> {
  const sharp = await sharpLib();
  const meta = await sharp(data).metadata();
  const target = fitPixels(
    meta.width ?? 1,
    meta.pageHeight ?? meta.height ?? 1,
    MEDIA_LIMITS.previewPixels,
  );
  const { data: bytes, info } = await sharp(data)
    .rotate()
    .resize(target.width, target.height)
    .webp({ quality: 80 })
    .toBuffer({ resolveWithObject: true });
  return { data: bytes, mime: "image/webp", width: info.width, height: info.height };
}

/** Mastodon's blurhash (4×4 components) of a tiny RGBA copy of the image. */
export async function blurhashOf(data: Uint8Array): Promise<string> {
  const sharp = await sharpLib();
  const { encode: encodeBlurhash } = await import("blurhash");
  const { data: pixels, info } = await sharp(data)
    .ensureAlpha()
    .resize(32, 32, { fit: "inside" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return encodeBlurhash(new Uint8ClampedArray(pixels), info.width, info.height, 4, 4);
}
