// A local user reports an account (Mastodon's ReportService): optionally some of its statuses,
// a comment, a category and the rules broken. The reported statuses are copied into the report
// (snapshots.ts). Moderators are told; when the reporter asks for it and the account is
// remote, the `report.created` event lets the outbox forward an anonymous Flag to its server.
import { randomUUID } from "node:crypto";
import { newId } from "../../db/ids.ts";
import type { ReportCategory } from "../../db/schema.ts";
import { getVisibleAccount } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { inTransaction } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import { findVisibleStatuses } from "../statuses/queries.ts";
import type { Viewer } from "../viewer.ts";
import { classify } from "./categories.ts";
import { notifyStaffOfReport } from "./notify-staff.ts";
import type { ReportRow } from "./queries.ts";
import { saveSnapshots, takeSnapshots } from "./snapshots.ts";

/** Mastodon's limit on a local report's comment. */
export const REPORT_COMMENT_LIMIT = 1000;

export interface ReportInput {
  accountId: string;
  statusIds: readonly string[];
  comment: string;
  category?: ReportCategory;
  ruleIds: readonly string[];
  forward: boolean;
  /** Servers to forward to; by default the reported account's own */
  forwardToDomains?: readonly string[];
}

const normalDomain = (d: string) => d.trim().toLowerCase().replace(/\.$/, "");

export async function fileReport(
  ctx: Context,
  viewer: Viewer,
  input: ReportInput,
): Promise<ReportRow> {
  const target = await getVisibleAccount(ctx, input.accountId);
  if (target.suspended_at) throw notFound();
  if ([...input.comment].length > REPORT_COMMENT_LIMIT)
    throw validation(
      `Validation failed: Comment is too long (maximum is ${REPORT_COMMENT_LIMIT} characters)`,
    );
  const { category, ruleIds } = await classify(ctx, input.category, input.ruleIds);
  // Only the account's own posts that the reporter can see; the same answer whether a status
  // does not exist, is hidden or is someone else's, so nothing leaks.
  const wanted = [...new Set(input.statusIds)];
  const statuses = (await findVisibleStatuses(ctx, viewer, wanted)).filter(
    (s) => s.account_id === target.id && !s.reblog_of_id,
  );
  if (statuses.length !== wanted.length)
    throw validation("Validation failed: Statuses must be visible posts of the reported account");
  const forwardToDomains = [
    ...new Set((input.forwardToDomains ?? [target.domain ?? ""]).map(normalDomain)),
  ].filter(Boolean);
  const forwarded =
    input.forward &&
    target.domain !== null &&
    forwardToDomains.includes(normalDomain(target.domain));

  const snapshots = await takeSnapshots(ctx, statuses);
  const now = new Date().toISOString();
  const report: ReportRow = {
    id: newId(),
    account_id: viewer.accountId,
    target_account_id: target.id,
    comment: input.comment,
    category,
    rule_ids: JSON.stringify(ruleIds),
    forwarded: forwarded ? 1 : 0,
    uri: `${ctx.config.origin}/reports/${randomUUID()}`,
    assigned_account_id: null,
    action_taken_at: null,
    action_taken_by_account_id: null,
    created_at: now,
    updated_at: now,
  };
  // The report and the event that forwards it commit together (events.ts).
  await inTransaction(ctx, async (tctx, trx) => {
    await trx.insertInto("reports").values(report).execute();
    await saveSnapshots(tctx, report.id, snapshots);
    if (input.forward && target.domain !== null)
      await emitDomainEvent(tctx, {
        type: "report.created",
        reportId: report.id,
        forwardToDomains,
      });
  });
  await notifyStaffOfReport(ctx, report);
  return report;
}
