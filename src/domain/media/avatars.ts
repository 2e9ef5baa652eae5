// Avatars and headers through the media pipeline: the type from the content, upright, all
// metadata stripped, cropped to Mastodon's sizes (avatar 400×400, header 1500×500). The new
// file is stored first and the old one removed only once the profile points at the new one.
import { type ProfileChanges, updateProfile } from "../accounts/profile.ts";
import { getAccount } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { validation } from "../errors.ts";
import type { Viewer } from "../viewer.ts";
import { processImage, sniff } from "./processor.ts";
import { checkSize, kindOf } from "./rules.ts";
import { keyOfUrl, mediaStorage } from "./storage.ts";
import { storeImage } from "./uploads.ts";

export const PROFILE_IMAGE_SIZES = {
  avatar: { width: 400, height: 400 },
  header: { width: 1500, height: 500 },
} as const;

export type ProfileImage = keyof typeof PROFILE_IMAGE_SIZES;

/** Profile changes with new images (bytes as uploaded) and images to remove (null). */
export async function updateProfileWithImages(
  ctx: Context,
  viewer: Viewer,
  changes: ProfileChanges,
  images: Partial<Record<ProfileImage, Uint8Array | null>>,
): Promise<void> {
  const storage = mediaStorage(ctx.config);
  const before = await getAccount(ctx, viewer.accountId);
  const stored: string[] = [];
  const urls: Partial<Record<ProfileImage, string | null>> = {};
  try {
    for (const which of ["avatar", "header"] as const) {
      const data = images[which];
      if (data === undefined) continue;
      if (data === null) {
        urls[which] = null;
        continue;
      }
      const mime = await sniff(data);
      if (kindOf(mime) !== "image")
        throw validation(
          `Validation failed: ${which === "avatar" ? "Avatar" : "Header"} must be an image`,
        );
      checkSize("image", data.length);
      const image = await processImage(data, mime!, PROFILE_IMAGE_SIZES[which]);
      const { fileKey } = await storeImage(storage, image.original, null);
      stored.push(fileKey);
      urls[which] = storage.url(fileKey);
    }
    await updateProfile(ctx, viewer, {
      ...changes,
      ...(urls.avatar !== undefined ? { avatarUrl: urls.avatar } : {}),
      ...(urls.header !== undefined ? { headerUrl: urls.header } : {}),
    });
  } catch (error) {
    for (const key of stored) await storage.delete(key);
    throw error;
  }
  // The replaced files, when they were ours.
  if (urls.avatar !== undefined) await deleteOwnFile(ctx, before.avatar_url);
  if (urls.header !== undefined) await deleteOwnFile(ctx, before.header_url);
}

async function deleteOwnFile(ctx: Context, url: string | null): Promise<void> {
  const storage = mediaStorage(ctx.config);
  const key = keyOfUrl(storage, url);
  if (key) await storage.delete(key);
}
