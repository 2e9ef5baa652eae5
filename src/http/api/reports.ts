// POST /api/v1/reports: a user reports an account, with some of its statuses, a comment, a
// category and the rules broken, and may have the report forwarded to the account's server.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import { REPORT_CATEGORIES } from "../../domain/reports/categories.ts";
import { fileReport } from "../../domain/reports/create.ts";
import { loadReportViews } from "../../domain/reports/views.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderReport } from "../entities/report.ts";
import { bodyParams } from "../params.ts";
import { zBool, zId, zStringList } from "../schemas.ts";

const blankIsAbsent = (v: unknown) => (v === "" || v === null ? undefined : v);

export const reportSchema = z.object({
  account_id: zId,
  status_ids: zStringList,
  comment: z.preprocess((v) => v ?? "", z.string()),
  forward: zBool,
  forward_to_domains: zStringList.optional(),
  category: z.preprocess(blankIsAbsent, z.enum(REPORT_CATEGORIES).optional()),
  rule_ids: zStringList,
});

export function reportRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/api/v1/reports", async (c) => {
    const viewer = requireUser(c, "write:reports");
    const p = reportSchema.parse(await bodyParams(c));
    const report = await fileReport(ctx, viewer, {
      accountId: p.account_id,
      statusIds: p.status_ids,
      comment: p.comment,
      forward: p.forward ?? false,
      ruleIds: p.rule_ids,
      ...(p.category ? { category: p.category } : {}),
      ...(p.forward_to_domains ? { forwardToDomains: p.forward_to_domains } : {}),
    });
    const [view] = await loadReportViews(ctx, [report]);
    return c.json(renderReport(ctx.config, view!));
  });

  return app;
}
