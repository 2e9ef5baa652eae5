// Moderators' notes on a report (Mastodon's ReportNote, shown on the report in its admin UI;
// Kith serves them through an API extension and `kith reports`). `by` null is the operator at
// the command line. Who may read and write notes is checked by the caller
// (`requirePermission(viewer, "manage_reports")`); who may delete one is checked here.
import type { Selectable } from "kysely";
import { isId, newId } from "../../db/ids.ts";
import type { ReportNotesTable } from "../../db/schema.ts";
import { type AccountRow, getAccounts } from "../accounts/queries.ts";
import { type Context, inTransaction } from "../context.ts";
import { forbidden, notFound, validation } from "../errors.ts";
import { recordAudit } from "../moderation/audit.ts";
import { roleHas } from "../moderation/permissions.ts";
import type { Viewer } from "../viewer.ts";
import { getReport, type ReportRow } from "./queries.ts";

export const REPORT_NOTE_MAX_LENGTH = 500;

export type ReportNoteRow = Selectable<ReportNotesTable>;

export interface ReportNoteView {
  note: ReportNoteRow;
  /** the author; null for the operator */
  account: AccountRow | null;
}

function checkedContent(raw: string): string {
  const content = raw.trim();
  if (content === "") throw validation("Validation failed: Content can't be blank");
  if ([...content].length > REPORT_NOTE_MAX_LENGTH)
    throw validation(
      `Validation failed: Content is too long (maximum is ${REPORT_NOTE_MAX_LENGTH} characters)`,
    );
  return content;
}

async function views(ctx: Context, notes: ReportNoteRow[]): Promise<ReportNoteView[]> {
  const accounts = await getAccounts(
    ctx,
    notes.flatMap((n) => (n.account_id ? [n.account_id] : [])),
  );
  return notes.map((note) => ({
    note,
    account: note.account_id ? (accounts.get(note.account_id) ?? null) : null,
  }));
}

const audit = (
  ctx: Context,
  action: string,
  report: ReportRow,
  note: ReportNoteRow,
  by: string | null,
) =>
  recordAudit(ctx, {
    accountId: by,
    action: `report_note.${action}`,
    targetType: "report",
    targetId: report.id,
    targetLabel: `report ${report.id}`,
    detail: { note_id: note.id, content: note.content },
  });

/** A report's notes, oldest first; 404 for an unknown report. */
export async function listReportNotes(ctx: Context, reportId: string): Promise<ReportNoteView[]> {
  const report = await getReport(ctx, reportId);
  const notes = await ctx.db.kysely
    .selectFrom("report_notes")
    .selectAll()
    .where("report_id", "=", report.id)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return views(ctx, notes);
}

export async function createReportNote(
  ctx: Context,
  reportId: string,
  content: string,
  by: string | null,
): Promise<ReportNoteView> {
  const checked = checkedContent(content);
  const note = await inTransaction(ctx, async (tctx) => {
    const report = await getReport(tctx, reportId);
    const row: ReportNoteRow = {
      id: newId(),
      report_id: report.id,
      account_id: by,
      content: checked,
      created_at: new Date().toISOString(),
    };
    await tctx.db.kysely.insertInto("report_notes").values(row).execute();
    await audit(tctx, "create", report, row, by);
    return row;
  });
  const [view] = await views(ctx, [note]);
  return view!;
}

/** Deletes a note of this report; only its author or an admin (or the operator) may. */
export async function deleteReportNote(
  ctx: Context,
  reportId: string,
  noteId: string,
  by: Viewer | null,
): Promise<void> {
  await inTransaction(ctx, async (tctx) => {
    const report = await getReport(tctx, reportId);
    if (!isId(noteId)) throw notFound();
    const note = await tctx.db.kysely
      .selectFrom("report_notes")
      .selectAll()
      .where("id", "=", noteId)
      .where("report_id", "=", report.id)
      .executeTakeFirst();
    if (!note) throw notFound();
    if (by && note.account_id !== by.accountId && !roleHas(by.role, "administrator"))
      throw forbidden();
    await tctx.db.kysely.deleteFrom("report_notes").where("id", "=", note.id).execute();
    await audit(tctx, "destroy", report, note, by?.accountId ?? null);
  });
}
