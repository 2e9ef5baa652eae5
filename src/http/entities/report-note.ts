// A moderator's note on a report (Kith extension; Mastodon shows ReportNote only in its web UI).
import type { Config } from "../../config.ts";
import type { ReportNoteView } from "../../domain/reports/notes.ts";
import { renderAccount } from "./account.ts";

export function renderReportNote(config: Config, view: ReportNoteView) {
  return {
    id: view.note.id,
    content: view.note.content,
    created_at: view.note.created_at,
    // null when the operator wrote it at the command line
    account: view.account ? renderAccount(config, view.account) : null,
  };
}
