// `kith server-rules …`: the operator's tools for the instance's rules, until the admin API
// and pages manage them.
import type { Context } from "../domain/context.ts";
import {
  addServerRule,
  listServerRules,
  RULE_TEXT_LIMIT,
  removeServerRule,
} from "../domain/server-rules.ts";
import { type Command, commandGroup, parse } from "./args.ts";
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

const commands: Record<string, Command> = { list, add, remove };

export const serverRulesCommand = commandGroup(
  "server-rules",
  "Manage the instance's rules.",
  commands,
);
