// The moderators' report queue (Mastodon's /api/v1/admin/reports): list with filters and Link
// paging, one report, reclassify it, assign it to yourself or nobody, resolve and reopen it.
// Admin scopes on the token and the manage_reports permission on the role are both required.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import { requirePermission } from "../../domain/moderation/permissions.ts";
import { REPORT_CATEGORIES } from "../../domain/reports/categories.ts";
import {
  assignReport,
  reclassifyReport,
  reopenReport,
  resolveReport,
} from "../../domain/reports/moderation.ts";
import { getReport, listReports, type ReportRow } from "../../domain/reports/queries.ts";
import { loadAdminReportViews } from "../../domain/reports/views.ts";
import type { Viewer } from "../../domain/viewer.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderAdminReport } from "../entities/report.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams, queryParams } from "../params.ts";
import { zBool, zStringList } from "../schemas.ts";

const REPORT_LIMITS = { default: 100, max: 200 };

const filterSchema = z.object({
  resolved: zBool,
  account_id: z.string().optional(),
  target_account_id: z.string().optional(),
});

const updateSchema = z.object({
  category: z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.enum(REPORT_CATEGORIES).optional(),
  ),
  rule_ids: zStringList.optional(),
});

const moderator = (c: HonoContext<AppEnv>, scope: string): Viewer =>
  requirePermission(requireUser(c, scope), "manage_reports");

export function adminReportRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const render = async (report: ReportRow) => {
    const [view] = await loadAdminReportViews(ctx, [report]);
    return renderAdminReport(ctx.config, view!);
  };

  app.get("/api/v1/admin/reports", async (c) => {
    moderator(c, "admin:read:reports");
    const p = filterSchema.parse(queryParams(c));
    const page = readPage(c, REPORT_LIMITS);
    const reports = await listReports(
      ctx,
      {
        resolved: p.resolved ?? false,
        ...(p.account_id ? { accountId: p.account_id } : {}),
        ...(p.target_account_id ? { targetAccountId: p.target_account_id } : {}),
      },
      page,
    );
    setLinkHeader(
      c,
      page,
      reports.map((r) => r.id),
    );
    const views = await loadAdminReportViews(ctx, reports);
    return c.json(views.map((v) => renderAdminReport(ctx.config, v)));
  });

  app.get("/api/v1/admin/reports/:id", async (c) => {
    moderator(c, "admin:read:reports");
    return c.json(await render(await getReport(ctx, c.req.param("id"))));
  });

  app.put("/api/v1/admin/reports/:id", async (c) => {
    const viewer = moderator(c, "admin:write:reports");
    const p = updateSchema.parse(await bodyParams(c));
    const report = await reclassifyReport(
      ctx,
      c.req.param("id"),
      {
        ...(p.category ? { category: p.category } : {}),
        ...(p.rule_ids ? { ruleIds: p.rule_ids } : {}),
      },
      viewer.accountId,
    );
    return c.json(await render(report));
  });

  const actions: Record<string, (id: string, viewer: Viewer) => Promise<ReportRow>> = {
    assign_to_self: (id, viewer) => assignReport(ctx, id, viewer.accountId, viewer.accountId),
    unassign: (id, viewer) => assignReport(ctx, id, null, viewer.accountId),
    resolve: (id, viewer) => resolveReport(ctx, id, viewer.accountId),
    reopen: (id, viewer) => reopenReport(ctx, id, viewer.accountId),
  };
  for (const [name, act] of Object.entries(actions)) {
    app.post(`/api/v1/admin/reports/:id/${name}`, async (c) => {
      const viewer = moderator(c, "admin:write:reports");
      return c.json(await render(await act(c.req.param("id"), viewer)));
    });
  }

  return app;
}
