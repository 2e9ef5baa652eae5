// `kith reports …`: the moderators' queue for servers without a web panel — list reports, read
// one with the statuses it names (as they were when reported) and its notes, add a note,
// resolve and reopen.
import type { AdminAccountRecord } from "../domain/accounts/admin-records.ts";
import { acct } from "../domain/accounts/queries.ts";
import type { Context } from "../domain/context.ts";
import { reopenReport, resolveReport } from "../domain/reports/moderation.ts";
import {
  createReportNote,
  listReportNotes,
  REPORT_NOTE_MAX_LENGTH,
} from "../domain/reports/notes.ts";
import { getReport, listReports } from "../domain/reports/queries.ts";
import { type AdminReportView, loadAdminReportViews } from "../domain/reports/views.ts";
import { type Command, commandGroup, parse } from "./args.ts";
import { withContext } from "./context.ts";

const LIST_LIMIT = 200;

const who = (record: AdminAccountRecord | null) => (record ? `@${acct(record.account)}` : "-");

const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** Status HTML as terminal text: paragraphs and line breaks kept, tags dropped. */
const plain = (html: string) =>
  html
    .replace(/<br\s*\/?>|<\/p>\s*<p>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

const state = (v: AdminReportView) =>
  v.report.action_taken_at
    ? "resolved"
    : v.assignedAccount
      ? `assigned to ${who(v.assignedAccount)}`
      : "open";

const list: Command = {
  summary: "List open reports (or resolved ones), newest first.",
  usage:
    "kith reports list [--resolved]\n\nPrints one report a line: id, date, category, reporter, reported account,\n" +
    `state and the start of the comment. At most ${LIST_LIMIT} reports.`,
  async run(argv) {
    const { values } = parse(argv, { resolved: { type: "boolean" } });
    const views = await withContext(async (ctx) =>
      loadAdminReportViews(
        ctx,
        await listReports(ctx, { resolved: values.resolved ?? false }, { limit: LIST_LIMIT }),
      ),
    );
    for (const v of views)
      console.log(
        [
          v.report.id,
          v.report.created_at.slice(0, 16).replace("T", " "),
          v.report.category,
          who(v.account),
          who(v.targetAccount),
          state(v),
          oneLine(v.report.comment, 60),
        ].join("\t"),
      );
    if (views.length === 0)
      console.error(values.resolved ? "No resolved reports." : "No open reports.");
    return 0;
  },
};

const show: Command = {
  summary: "Show one report with the statuses it names and the moderators' notes.",
  usage: "kith reports show ID\n\nID is as `kith reports list` prints it.",
  async run(argv) {
    const { positionals } = parse(argv, {}, 1);
    const { view, notes } = await withContext(async (ctx) => {
      const [v] = await loadAdminReportViews(ctx, [await getReport(ctx, positionals[0]!)]);
      return { view: v, notes: await listReportNotes(ctx, positionals[0]!) };
    });
    if (!view) throw new Error("the report's accounts are gone");
    const { report } = view;
    const lines = [
      `Report ${report.id} (${state(view)})`,
      `Filed:     ${report.created_at} by ${who(view.account)}`,
      `About:     ${who(view.targetAccount)} ${view.targetAccount.account.url ?? view.targetAccount.account.uri}`,
      `Category:  ${report.category}`,
      ...view.rules.map((r) => `Rule:      ${r.text}`),
      `Forwarded: ${report.forwarded === 1 ? "yes" : "no"}`,
      ...(report.action_taken_at
        ? [`Resolved:  ${report.action_taken_at} by ${who(view.actionTakenByAccount)}`]
        : []),
      "",
      report.comment || "(no comment)",
    ];
    for (const s of view.statuses) {
      lines.push("", `Status ${s.row.id} (${s.row.visibility}, ${s.row.created_at})`, s.row.uri);
      if (s.row.spoiler_text) lines.push(`CW: ${s.row.spoiler_text}`);
      lines.push(plain(s.row.content));
    }
    for (const n of notes)
      lines.push(
        "",
        `Note ${n.note.id} (${n.note.created_at} by ${n.account ? `@${acct(n.account)}` : "operator"})`,
        n.note.content,
      );
    console.log(lines.join("\n"));
    return 0;
  },
};

const note: Command = {
  summary: "Add a moderator's note to a report, as the operator.",
  usage: `kith reports note ID TEXT\n\nTEXT (quote it) is 1 to ${REPORT_NOTE_MAX_LENGTH} characters; \`kith reports show ID\` lists the notes.`,
  async run(argv) {
    const { positionals } = parse(argv, {}, 2);
    const [id, text] = positionals as [string, string];
    const added = await withContext((ctx) => createReportNote(ctx, id, text, null));
    console.log(`Added note ${added.note.id} to report ${id}.`);
    return 0;
  },
};

/** A command that changes one report's state and says so. */
function stateChange(
  verb: "resolve" | "reopen",
  summary: string,
  act: (ctx: Context, id: string) => Promise<unknown>,
): Command {
  return {
    summary,
    usage: `kith reports ${verb} ID`,
    async run(argv) {
      const { positionals } = parse(argv, {}, 1);
      const id = positionals[0]!;
      await withContext((ctx) => act(ctx, id));
      console.log(`${verb === "resolve" ? "Resolved" : "Reopened"} report ${id}.`);
      return 0;
    },
  };
}

// From the shell, no account acts: the report shows no moderator as having resolved it.
const resolve = stateChange("resolve", "Mark a report resolved.", (ctx, id) =>
  resolveReport(ctx, id, null),
);
const reopen = stateChange("reopen", "Reopen a resolved report.", (ctx, id) =>
  reopenReport(ctx, id, null),
);

export const reportsCommand = commandGroup("reports", "Read and handle reports.", {
  list,
  show,
  note,
  resolve,
  reopen,
});
