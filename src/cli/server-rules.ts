// `kith server-rules …`: the operator's tools for the instance's rules (admins have
// /api/v1/admin/server_rules). Changes are in the audit log as the operator.
import type { Context } from "../domain/context.ts";
import {
  addServerRule,
  listServerRules,
  RULE_TEXT_LIMIT,
  removeServerRule,
  updateServerRule,
} from "../domain/server-rules.ts";
import { type Command, commandGroup, parse, UsageError } from "./args.ts";
import { withContext } from "./context.ts";

const list: Command = {
  summary: "List the rules in order.",
  usage: "kith server-rules list\n\nPrints one rule a line: id, text and hint.",
  async run(argv) {
    parse(argv, {});
    const rules = await withContext(listServerRules);
    for (const r of rules) console.log([r.id, r.text, r.hint].join("\t"));
    if (rules.length === 0) console.error("No rules yet.");
    return 0;
  },
};

const add: Command = {
  summary: "Add a rule at the end of the list.",
  usage: `kith server-rules add TEXT [--hint HINT]\n\nTEXT is at most ${RULE_TEXT_LIMIT} characters; HINT explains it at more length.`,
  async run(argv) {
    const { values, positionals } = parse(argv, { hint: { type: "string" } }, 1);
    const rule = await withContext((ctx: Context) =>
      addServerRule(ctx, {
        text: positionals[0]!,
        ...(values.hint !== undefined ? { hint: values.hint } : {}),
      }),
    );
    console.log(`Added rule ${rule.id}.`);
    return 0;
  },
};

const remove: Command = {
  summary: "Remove a rule.",
  usage: "kith server-rules remove ID\n\nID is as `kith server-rules list` prints it.",
  async run(argv) {
    const { positionals } = parse(argv, {}, 1);
    const id = positionals[0]!;
    await withContext((ctx) => removeServerRule(ctx, id));
    console.log(`Removed rule ${id}.`);
    return 0;
  },
};

const edit: Command = {
  summary: "Change a rule's text, hint or place.",
  usage:
    "kith server-rules edit ID [--text TEXT] [--hint HINT] [--position N]\n\n" +
    "Rules are listed by position, lowest first.",
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { text: { type: "string" }, hint: { type: "string" }, position: { type: "string" } },
      1,
    );
    const position = values.position === undefined ? undefined : Number(values.position);
    if (position !== undefined && !Number.isInteger(position))
      throw new UsageError("--position must be a whole number");
    if (values.text === undefined && values.hint === undefined && position === undefined)
      throw new UsageError("nothing to change: give --text, --hint or --position");
    const rule = await withContext((ctx: Context) =>
      updateServerRule(ctx, positionals[0]!, {
        ...(values.text !== undefined ? { text: values.text } : {}),
        ...(values.hint !== undefined ? { hint: values.hint } : {}),
        ...(position !== undefined ? { position } : {}),
      }),
    );
    console.log(`Changed rule ${rule.id}.`);
    return 0;
  },
};

const commands: Record<string, Command> = { list, add, edit, remove };

export const serverRulesCommand = commandGroup(
  "server-rules",
  "Manage the instance's rules.",
  commands,
);
