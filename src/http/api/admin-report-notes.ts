// Moderators' notes on a report, a Kith extension of Mastodon's admin API (Mastodon keeps them
// only in its web UI): list (oldest first), add, and delete your own (admins: any).
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import { requirePermission } from "../../domain/moderation/permissions.ts";
import { createReportNote, deleteReportNote, listReportNotes } from "../../domain/reports/notes.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderReportNote } from "../entities/report-note.ts";
import { bodyParams } from "../params.ts";

// Missing content is blank content, refused by the domain with Mastodon's wording.
const createSchema = z.object({ content: z.preprocess((v) => v ?? "", z.string()) });

export function adminReportNoteRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const path = "/api/v1/admin/reports/:id/notes";

  app.get(path, async (c) => {
    requirePermission(requireUser(c, "admin:read:reports"), "manage_reports");
    const notes = await listReportNotes(ctx, c.req.param("id"));
    return c.json(notes.map((n) => renderReportNote(ctx.config, n)));
  });

  app.post(path, async (c) => {
    const viewer = requirePermission(requireUser(c, "admin:write:reports"), "manage_reports");
    const { content } = createSchema.parse(await bodyParams(c));
    const note = await createReportNote(ctx, c.req.param("id"), content, viewer.accountId);
    return c.json(renderReportNote(ctx.config, note));
  });

  app.delete(`${path}/:note_id`, async (c) => {
    const viewer = requirePermission(requireUser(c, "admin:write:reports"), "manage_reports");
    await deleteReportNote(ctx, c.req.param("id"), c.req.param("note_id"), viewer);
    return c.json({});
  });

  return app;
}
