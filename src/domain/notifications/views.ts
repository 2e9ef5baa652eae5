// Everything needed to render a page of notifications, loaded for the whole page at once: the
// senders (and any other accounts asked for) and the statuses the notifications are about.
// A reblog notification is about the reblogged original, as Mastodon's `target_status`.
import { type AccountRow, getAccounts } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { type AccountWarningRow, getWarnings } from "../moderation/warnings.ts";
import { getReports } from "../reports/queries.ts";
import { loadReportViews, type ReportView } from "../reports/views.ts";
import { getStatusRows } from "../statuses/queries.ts";
import { loadStatusViews, type StatusView } from "../statuses/views.ts";
import type { Viewer } from "../viewer.ts";
import { STATUS_TYPES } from "./notify.ts";
import type { NotificationRow } from "./queries.ts";

export interface NotificationViews {
  accounts: Map<string, AccountRow>;
  /** by notification ID */
  statuses: Map<string, StatusView>;
  /** by notification ID, for admin.report */
  reports: Map<string, ReportView>;
  /** by notification ID, for moderation_warning */
  warnings: Map<string, AccountWarningRow>;
}

/**
 * Views for `rows`. The rows passed the reading rule (so their statuses are visible); a status
 * that vanished in between simply has no view, and the caller drops that notification.
 */
export async function loadNotificationViews(
  ctx: Context,
  viewer: Viewer,
  rows: readonly NotificationRow[],
  extraAccountIds: readonly string[] = [],
): Promise<NotificationViews> {
  const withStatus = rows.filter((r) => STATUS_TYPES.has(r.type) && r.status_id);
  const direct = await getStatusRows(
    ctx,
    withStatus.map((r) => r.status_id!),
  );
  // The status each notification shows: the original, for a reblog.
  const targetIdOf = new Map<string, string>();
  for (const r of withStatus) {
    const status = direct.get(r.status_id!);
    if (!status) continue;
    targetIdOf.set(
      r.id,
      r.type === "reblog" && status.reblog_of_id ? status.reblog_of_id : status.id,
    );
  }
  const missing = [...targetIdOf.values()].filter((id) => !direct.has(id));
  const originals = await getStatusRows(ctx, missing);
  const targets = [...new Set(targetIdOf.values())].flatMap((id) => {
    const row = direct.get(id) ?? originals.get(id);
    return row ? [row] : [];
  });
  // A status the viewer's filters hide here has no view, so its notification is left out.
  const views = await loadStatusViews(ctx, viewer, targets, { filterContext: "notifications" });
  const viewById = new Map(views.map((v) => [v.row.id, v]));
  const statuses = new Map<string, StatusView>();
  for (const [notificationId, targetId] of targetIdOf) {
    const view = viewById.get(targetId);
    if (view) statuses.set(notificationId, view);
  }
  const accounts = await getAccounts(ctx, [
    ...rows.flatMap((r) => (r.from_account_id ? [r.from_account_id] : [])),
    ...extraAccountIds,
  ]);
  return {
    accounts,
    statuses,
    reports: await reportsOf(ctx, rows),
    warnings: await warningsOf(ctx, rows),
  };
}

async function warningsOf(ctx: Context, rows: readonly NotificationRow[]) {
  const withWarning = rows.filter((r) => r.account_warning_id);
  const found = await getWarnings(
    ctx,
    withWarning.map((r) => r.account_warning_id!),
  );
  const warnings = new Map<string, AccountWarningRow>();
  for (const r of withWarning) {
    const warning = found.get(r.account_warning_id!);
    if (warning) warnings.set(r.id, warning);
  }
  return warnings;
}

async function reportsOf(
  ctx: Context,
  rows: readonly NotificationRow[],
): Promise<Map<string, ReportView>> {
  const withReport = rows.filter((r) => r.type === "admin.report" && r.report_id);
  const found = await getReports(
    ctx,
    withReport.map((r) => r.report_id!),
  );
  const views = await loadReportViews(ctx, [...found.values()]);
  const byId = new Map(views.map((v) => [v.report.id, v]));
  const reports = new Map<string, ReportView>();
  for (const r of withReport) {
    const view = byId.get(r.report_id!);
    if (view) reports.set(r.id, view);
  }
  return reports;
}
