// Read positions a user's clients share (Mastodon's markers): the last status read in the home
// timeline and the last notification read. `version` counts the updates (Mastodon's
// lock_version); the upsert is one statement, so concurrent updates both land and count.
import { sql } from "kysely";
import { isId } from "../db/ids.ts";
import type { Context } from "./context.ts";
import { validation } from "./errors.ts";
import type { Viewer } from "./viewer.ts";

export const MARKER_TIMELINES = ["home", "notifications"] as const;
export type MarkerTimeline = (typeof MARKER_TIMELINES)[number];

export interface Marker {
  lastReadId: string;
  version: number;
  updatedAt: string;
}

export const isMarkerTimeline = (name: string): name is MarkerTimeline =>
  (MARKER_TIMELINES as readonly string[]).includes(name);

export async function getMarkers(
  ctx: Context,
  viewer: Viewer,
  timelines: readonly MarkerTimeline[],
): Promise<Partial<Record<MarkerTimeline, Marker>>> {
  if (timelines.length === 0) return {};
  const rows = await ctx.db.kysely
    .selectFrom("markers")
    .selectAll()
    .where("account_id", "=", viewer.accountId)
    .where("timeline", "in", [...new Set(timelines)])
    .execute();
  const markers: Partial<Record<MarkerTimeline, Marker>> = {};
  for (const r of rows)
    if (isMarkerTimeline(r.timeline))
      markers[r.timeline] = {
        lastReadId: r.last_read_id,
        version: r.version,
        updatedAt: r.updated_at,
      };
  return markers;
}

/** Sets the given positions and returns those markers as they now are. */
export async function saveMarkers(
  ctx: Context,
  viewer: Viewer,
  positions: Partial<Record<MarkerTimeline, string>>,
): Promise<Partial<Record<MarkerTimeline, Marker>>> {
  const entries = Object.entries(positions) as [MarkerTimeline, string][];
  for (const [timeline, id] of entries)
    if (!isId(id)) throw validation(`Validation failed: ${timeline}.last_read_id is not an ID`);
  const now = new Date().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    for (const [timeline, id] of entries)
      await trx
        .insertInto("markers")
        .values({
          account_id: viewer.accountId,
          timeline,
          last_read_id: id,
          version: 0,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(["account_id", "timeline"]).doUpdateSet({
            last_read_id: id,
            version: sql`markers.version + 1`,
            updated_at: now,
          }),
        )
        .execute();
  });
  return getMarkers(
    ctx,
    viewer,
    entries.map(([t]) => t),
  );
}
