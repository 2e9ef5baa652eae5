// Reading reports: one by ID, and the moderators' queue (newest first, unresolved unless asked
// otherwise, by reporter or by reported account).
import type { Selectable } from "kysely";
import { isId } from "../../db/ids.ts";
import type { ReportsTable } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { notFound } from "../errors.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";

export type ReportRow = Selectable<ReportsTable>;

export async function getReport(ctx: Context, id: string): Promise<ReportRow> {
  if (!isId(id)) throw notFound();
  const row = await ctx.db.kysely
    .selectFrom("reports")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function getReports(
  ctx: Context,
  ids: readonly string[],
): Promise<Map<string, ReportRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.db.kysely
    .selectFrom("reports")
    .selectAll()
    .where("id", "in", unique)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export interface ReportFilter {
  /** resolved reports only; otherwise unresolved only (as Mastodon's ReportFilter) */
  resolved?: boolean;
  /** filed by this account */
  accountId?: string;
  /** about this account */
  targetAccountId?: string;
}

export async function listReports(
  ctx: Context,
  filter: ReportFilter,
  page: Page,
): Promise<ReportRow[]> {
  let q = ctx.db.kysely
    .selectFrom("reports")
    .selectAll()
    .where("action_taken_at", filter.resolved ? "is not" : "is", null);
  // An ID that is not one matches nothing, rather than being ignored.
  for (const [column, value] of [
    ["account_id", filter.accountId],
    ["target_account_id", filter.targetAccountId],
  ] as const) {
    if (value === undefined) continue;
    if (!isId(value)) return [];
    q = q.where(column, "=", value);
  }
  return finishPage(await applyPage(q, "id", page).execute(), page);
}

export function ruleIdsOf(report: ReportRow): string[] {
  try {
    const ids = JSON.parse(report.rule_ids) as unknown;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}
