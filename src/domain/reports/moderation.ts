// What moderators do with a report (Mastodon's Admin::ReportsController): reclassify it, take
// it on or let it go, resolve it and reopen it. `by` is the moderator's account, or null for
// the operator at the command line. Who may do this is checked by the caller
// (`requirePermission(viewer, "manage_reports")`).
import type { ReportCategory } from "../../db/schema.ts";
import { type Context, inTransaction } from "../context.ts";
import { recordAudit } from "../moderation/audit.ts";
import { classify } from "./categories.ts";
import { getReport, type ReportRow, ruleIdsOf } from "./queries.ts";

/** Applies `values` and writes the audit entry for `action` in one transaction. */
async function change(
  ctx: Context,
  id: string,
  values: Partial<Omit<ReportRow, "id" | "created_at" | "updated_at">>,
  action: string,
  by: string | null,
): Promise<ReportRow> {
  return inTransaction(ctx, async (tctx) => {
    const report = await getReport(tctx, id);
    const next = { ...values, updated_at: new Date().toISOString() };
    await tctx.db.kysely.updateTable("reports").set(next).where("id", "=", report.id).execute();
    await recordAudit(tctx, {
      accountId: by,
      action: `report.${action}`,
      targetType: "report",
      targetId: report.id,
      targetLabel: `report ${report.id}`,
      detail: values,
    });
    return { ...report, ...next };
  });
}

/** New category and/or rules; rules given without a category make it a violation. */
export async function reclassifyReport(
  ctx: Context,
  id: string,
  changes: { category?: ReportCategory; ruleIds?: readonly string[] },
  by: string | null,
): Promise<ReportRow> {
  const report = await getReport(ctx, id);
  const category = changes.category ?? (changes.ruleIds?.length ? undefined : report.category);
  const keptRules = category === undefined || category === "violation" ? ruleIdsOf(report) : [];
  const result = await classify(ctx, category, changes.ruleIds ?? keptRules);
  return change(
    ctx,
    id,
    { category: result.category, rule_ids: JSON.stringify(result.ruleIds) },
    "update",
    by,
  );
}

export const assignReport = (
  ctx: Context,
  id: string,
  accountId: string | null,
  by: string | null,
) => change(ctx, id, { assigned_account_id: accountId }, accountId ? "assign" : "unassign", by);

export const resolveReport = (ctx: Context, id: string, by: string | null) =>
  change(
    ctx,
    id,
    { action_taken_at: new Date().toISOString(), action_taken_by_account_id: by },
    "resolve",
    by,
  );

export const reopenReport = (ctx: Context, id: string, by: string | null) =>
  change(ctx, id, { action_taken_at: null, action_taken_by_account_id: null }, "reopen", by);
