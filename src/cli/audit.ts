// `kith audit`: the audit log at the command line, newest first, one entry a line.
import { acct, getAccounts } from "../domain/accounts/queries.ts";
import { listAudit } from "../domain/moderation/audit.ts";
import { type Command, parse } from "./args.ts";
import { withContext } from "./context.ts";

export const auditCommand: Command = {
  summary: "Show the audit log of moderator and admin actions.",
  usage:
    "kith audit [--limit N] [--action ACTION] [--target ID] [--json]\n\n" +
    "Prints one entry a line: date, who acted, the action, the target and its detail.\n" +
    'ACTION is exact ("account.suspend") or a prefix ending in a dot ("account.").\n' +
    "--limit defaults to 50 (at most 1000). --json prints one JSON object a line.",
  async run(argv) {
    const { values } = parse(argv, {
      limit: { type: "string" },
      action: { type: "string" },
      target: { type: "string" },
      json: { type: "boolean" },
    });
    const limit = Math.min(Math.max(Number(values.limit ?? 50) || 50, 1), 1000);
    const { entries, actors } = await withContext(async (ctx) => {
      const entries = await listAudit(
        ctx,
        {
          ...(values.action ? { action: values.action } : {}),
          ...(values.target ? { targetId: values.target } : {}),
        },
        { limit },
      );
      const ids = entries.flatMap((e) => (e.accountId ? [e.accountId] : []));
      return { entries, actors: await getAccounts(ctx, ids) };
    });
    for (const e of entries) {
      const actor = e.accountId ? actors.get(e.accountId) : undefined;
      const who = actor ? `@${acct(actor)}` : e.accountId ? "(deleted account)" : "operator";
      if (values.json) {
        console.log(JSON.stringify({ ...e, actor: who }));
        continue;
      }
      const detail = Object.keys(e.detail).length > 0 ? JSON.stringify(e.detail) : "";
      const when = e.createdAt.slice(0, 19).replace("T", " ");
      console.log([when, who, e.action, e.targetLabel, detail].join("\t").trimEnd());
    }
    if (entries.length === 0 && !values.json) console.error("The audit log is empty.");
    return 0;
  },
};
