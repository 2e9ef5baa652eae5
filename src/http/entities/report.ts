// The Report entity (what the reporter gets back, and what an admin.report notification
// carries) and Admin::Report (the moderators' queue), rendered from the domain's report views.
import type { Config } from "../../config.ts";
import type { AdminReportView, ReportView } from "../../domain/reports/views.ts";
import { renderAccount } from "./account.ts";
import { renderAdminAccount } from "./admin-account.ts";
import { renderRule } from "./instance-extras.ts";
import { renderStatus } from "./status.ts";

function common(view: ReportView) {
  const { report } = view;
  return {
    id: report.id,
    action_taken: report.action_taken_at !== null,
    action_taken_at: report.action_taken_at,
    category: report.category,
    comment: report.comment,
    forwarded: report.forwarded === 1,
    created_at: report.created_at,
  };
}

export function renderReport(config: Config, view: ReportView) {
  return {
    ...common(view),
    status_ids: view.statusIds,
    // Mastodon's null when no rules are cited.
    rule_ids: view.ruleIds.length > 0 ? view.ruleIds : null,
    target_account: renderAccount(config, view.target),
  };
}

export function renderAdminReport(config: Config, view: AdminReportView) {
  const optional = (record: AdminReportView["assignedAccount"]) =>
    record ? renderAdminAccount(config, record) : null;
  return {
    ...common(view),
    updated_at: view.report.updated_at,
    account: renderAdminAccount(config, view.account),
    target_account: renderAdminAccount(config, view.targetAccount),
    assigned_account: optional(view.assignedAccount),
    action_taken_by_account: optional(view.actionTakenByAccount),
    statuses: view.statuses.map((s) => renderStatus(config, s)),
    rules: view.rules.map(renderRule),
  };
}
