// Media rows as the rest of the domain reads them.
import type { Selectable } from "kysely";
import type { MediaAttachmentsTable } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import type { Focus } from "./rules.ts";

export type MediaRow = Selectable<MediaAttachmentsTable>;

export interface SizeMeta {
  width: number;
  height: number;
  size: string;
  aspect: number;
}

export interface MediaMeta {
  original?: SizeMeta;
  small?: SizeMeta;
  focus?: Focus;
}

export const sizeMeta = (width: number, height: number): SizeMeta => ({
  width,
  height,
  size: `${width}x${height}`,
  aspect: width / height,
});

export function parseMeta(json: string): MediaMeta {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === "object" ? (value as MediaMeta) : {};
  } catch {
    return {};
  }
}

/** The media of each of these statuses, in their order. */
export async function loadStatusMedia(
  ctx: Context,
  statusIds: readonly string[],
): Promise<Map<string, MediaRow[]>> {
  const map = new Map<string, MediaRow[]>();
  if (statusIds.length === 0) return map;
  const rows = await ctx.db.kysely
    .selectFrom("media_attachments")
    .selectAll()
    .where("status_id", "in", [...new Set(statusIds)])
    .orderBy("position")
    .orderBy("id")
    .execute();
  for (const row of rows) {
    const list = map.get(row.status_id!);
    if (list) list.push(row);
    else map.set(row.status_id!, [row]);
  }
  return map;
}
