// What moderators do with a report (Mastodon's Admin::ReportsController): reclassify it, take
// it on or let it go, resolve it and reopen it. `by` is the moderator's account, or null for
// the operator at the command line. Who may do this is checked by the caller
// (accounts/staff.ts `requireModerator`).
import type { ReportCategory } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { classify } from "./categories.ts";
import { getReport, type ReportRow, ruleIdsOf } from "./queries.ts";

async function change(
  ctx: Context,
  id: string,
  values: Partial<Omit<ReportRow, "id" | "created_at" | "updated_at">>,
): Promise<ReportRow> {
  const report = await getReport(ctx, id);
  const next = { ...values, updated_at: new Date().toISOString() };
  await ctx.db.kysely.updateTable("reports").set(next).where("id", "=", report.id).execute();
  return { ...report, ...next };
}

/** New category and/or rules; rules given without a category make it a violation. */
export async function reclassifyReport(
  ctx: Context,
  id: string,
  changes: { category?: ReportCategory; ruleIds?: readonly string[] },
): Promise<ReportRow> {
  const report = await getReport(ctx, id);
  const category = changes.category ?? (changes.ruleIds?.length ? undefined : report.category);
  const keptRules = category === undefined || category === "violation" ? ruleIdsOf(report) : [];
  const result = await classify(ctx, category, changes.ruleIds ?? keptRules);
  return change(ctx, id, { category: result.category, rule_ids: JSON.stringify(result.ruleIds) });
}

export const assignReport = (ctx: Context, id: string, accountId: string | null) =>
  change(ctx, id, { assigned_account_id: accountId });

export const resolveReport = (ctx: Context, id: string, by: string | null) =>
  change(ctx, id, { action_taken_at: new Date().toISOString(), action_taken_by_account_id: by });

export const reopenReport = (ctx: Context, id: string) =>
  change(ctx, id, { action_taken_at: null, action_taken_by_account_id: null });
