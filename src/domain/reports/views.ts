// Everything needed to render reports, loaded for a page at once: the accounts involved (as
// moderators see them), the copies of the reported statuses and the rules cited.
import { type AdminAccountRecord, loadAdminAccounts } from "../accounts/admin-records.ts";
import { type AccountRow, getAccounts } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { listServerRules, type ServerRule } from "../server-rules.ts";
import type { StatusView } from "../statuses/views.ts";
import { type ReportRow, ruleIdsOf } from "./queries.ts";
import { reportedStatusIds, snapshotViews } from "./snapshots.ts";

export interface ReportView {
  report: ReportRow;
  target: AccountRow;
  statusIds: string[];
  ruleIds: string[];
}

export interface AdminReportView extends ReportView {
  account: AdminAccountRecord;
  targetAccount: AdminAccountRecord;
  assignedAccount: AdminAccountRecord | null;
  actionTakenByAccount: AdminAccountRecord | null;
  statuses: StatusView[];
  /** the cited rules that still exist */
  rules: ServerRule[];
}

/**
 * What the reporter (and a notified moderator) sees: the account, the ids reported and cited.
 * A report whose account is gone is left out.
 */
export async function loadReportViews(
  ctx: Context,
  reports: readonly ReportRow[],
): Promise<ReportView[]> {
  const statusIds = await reportedStatusIds(
    ctx,
    reports.map((r) => r.id),
  );
  const targets = await getAccounts(
    ctx,
    reports.map((r) => r.target_account_id),
  );
  return reports.flatMap((report) => {
    const target = targets.get(report.target_account_id);
    if (!target) return [];
    return [
      { report, target, statusIds: statusIds.get(report.id) ?? [], ruleIds: ruleIdsOf(report) },
    ];
  });
}

/** Views for the moderators' queue; a report whose accounts are gone is left out. */
export async function loadAdminReportViews(
  ctx: Context,
  reports: readonly ReportRow[],
): Promise<AdminReportView[]> {
  const base = await loadReportViews(ctx, reports);
  const accounts = await loadAdminAccounts(
    ctx,
    reports.flatMap((r) => [
      r.account_id,
      r.target_account_id,
      ...(r.assigned_account_id ? [r.assigned_account_id] : []),
      ...(r.action_taken_by_account_id ? [r.action_taken_by_account_id] : []),
    ]),
  );
  const statuses = await snapshotViews(
    ctx,
    reports.map((r) => r.id),
  );
  const rules = reports.some((r) => ruleIdsOf(r).length > 0) ? await listServerRules(ctx) : [];
  const optional = (id: string | null) => (id ? (accounts.get(id) ?? null) : null);
  return base.flatMap((view) => {
    const { report } = view;
    const account = accounts.get(report.account_id);
    const targetAccount = accounts.get(report.target_account_id);
    if (!account || !targetAccount) return [];
    return [
      {
        ...view,
        account,
        targetAccount,
        assignedAccount: optional(report.assigned_account_id),
        actionTakenByAccount: optional(report.action_taken_by_account_id),
        statuses: statuses.get(report.id) ?? [],
        rules: rules.filter((rule) => view.ruleIds.includes(rule.id)),
      },
    ];
  });
}
