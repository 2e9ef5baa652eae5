// Reported statuses as they were when reported. A report keeps a copy of each status (its row,
// who it mentioned, its tags), so that the evidence survives the status being edited or
// deleted; moderators see the copy, rendered like any status.
import type { AccountRow } from "../accounts/queries.ts";
import { getAccounts } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import type { StatusRow } from "../statuses/queries.ts";
import type { StatusView } from "../statuses/views.ts";

export interface StatusSnapshot {
  row: StatusRow;
  mentionIds: string[];
  tags: string[];
}

/** Copies of `rows` (with their mentions and tags), in the same order. */
export async function takeSnapshots(
  ctx: Context,
  rows: readonly StatusRow[],
): Promise<StatusSnapshot[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const mentions = await ctx.db.kysely
    .selectFrom("status_mentions")
    .select(["status_id", "account_id"])
    .where("status_id", "in", ids)
    .execute();
  const tags = await ctx.db.kysely
    .selectFrom("status_tags")
    .innerJoin("tags", "tags.id", "status_tags.tag_id")
    .select(["status_tags.status_id", "tags.name"])
    .where("status_tags.status_id", "in", ids)
    .orderBy("tags.name")
    .execute();
  return rows.map((row) => ({
    row,
    mentionIds: mentions.filter((m) => m.status_id === row.id).map((m) => m.account_id),
    tags: tags.filter((t) => t.status_id === row.id).map((t) => t.name),
  }));
}

/** Stores the copies with the report; call inside the transaction that makes the report. */
export async function saveSnapshots(
  ctx: Context,
  reportId: string,
  snapshots: readonly StatusSnapshot[],
): Promise<void> {
  if (snapshots.length === 0) return;
  await ctx.db.kysely
    .insertInto("report_statuses")
    .values(
      snapshots.map((s, position) => ({
        report_id: reportId,
        status_id: s.row.id,
        position,
        snapshot: JSON.stringify(s),
      })),
    )
    .execute();
}

async function snapshotRows(ctx: Context, reportIds: readonly string[]) {
  if (reportIds.length === 0) return [];
  return ctx.db.kysely
    .selectFrom("report_statuses")
    .select(["report_id", "status_id", "snapshot"])
    .where("report_id", "in", [...new Set(reportIds)])
    .orderBy("report_id")
    .orderBy("position")
    .execute();
}

/** The reported status IDs of each report, in the order reported. */
export async function reportedStatusIds(
  ctx: Context,
  reportIds: readonly string[],
): Promise<Map<string, string[]>> {
  const byReport = new Map<string, string[]>(reportIds.map((id) => [id, []]));
  for (const r of await snapshotRows(ctx, reportIds)) byReport.get(r.report_id)?.push(r.status_id);
  return byReport;
}

/**
 * The copies of each report's statuses as views for the Status renderer: seen by nobody in
 * particular (no viewer flags), by their author as the account is now. A copy whose author is
 * gone is left out.
 */
export async function snapshotViews(
  ctx: Context,
  reportIds: readonly string[],
): Promise<Map<string, StatusView[]>> {
  const rows = await snapshotRows(ctx, reportIds);
  const snapshots = rows.map((r) => ({
    reportId: r.report_id,
    ...(JSON.parse(r.snapshot) as StatusSnapshot),
  }));
  const accounts = await getAccounts(ctx, [
    ...snapshots.map((s) => s.row.account_id),
    ...snapshots.flatMap((s) => s.mentionIds),
  ]);
  const byReport = new Map<string, StatusView[]>(reportIds.map((id) => [id, []]));
  for (const s of snapshots) {
    const account = accounts.get(s.row.account_id);
    if (!account) continue;
    byReport.get(s.reportId)?.push({
      row: s.row,
      account,
      mentions: s.mentionIds.flatMap((id) => accounts.get(id) ?? []) as AccountRow[],
      tags: s.tags,
      application: null,
      own: false,
      flags: null,
      reblog: null,
      // The copy keeps the text; a poll's tallies at report time are not kept, nor media.
      poll: null,
      media: [],
    });
  }
  return byReport;
}

/** The copied status rows of one report, in the order reported. */
export async function reportedStatusRows(ctx: Context, reportId: string): Promise<StatusRow[]> {
  const rows = await snapshotRows(ctx, [reportId]);
  return rows.map((r) => (JSON.parse(r.snapshot) as StatusSnapshot).row);
}
