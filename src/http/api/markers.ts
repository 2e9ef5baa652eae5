// Read markers: GET /api/v1/markers?timeline[]=home&timeline[]=notifications and
// POST /api/v1/markers with home[last_read_id] and/or notifications[last_read_id]. Unknown
// timelines are ignored, as Mastodon ignores them.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import {
  getMarkers,
  isMarkerTimeline,
  MARKER_TIMELINES,
  type MarkerTimeline,
  saveMarkers,
} from "../../domain/markers.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderMarkers } from "../entities/list.ts";
import { bodyParams, queryParams } from "../params.ts";
import { zId, zStringList } from "../schemas.ts";

const position = z.object({ last_read_id: zId }, { error: "must be an object" }).optional();
const saveSchema = z.object({ home: position, notifications: position });

export function markerRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/api/v1/markers", async (c) => {
    const viewer = requireUser(c, "read:statuses");
    const asked = zStringList.parse(queryParams(c).timeline).filter(isMarkerTimeline);
    return c.json(renderMarkers(await getMarkers(ctx, viewer, asked)));
  });

  app.post("/api/v1/markers", async (c) => {
    const viewer = requireUser(c, "write:statuses");
    const p = saveSchema.parse(await bodyParams(c));
    const positions: Partial<Record<MarkerTimeline, string>> = {};
    for (const timeline of MARKER_TIMELINES) {
      const id = p[timeline]?.last_read_id;
      if (id !== undefined) positions[timeline] = id;
    }
    return c.json(renderMarkers(await saveMarkers(ctx, viewer, positions)));
  });

  return app;
}
