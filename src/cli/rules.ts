// `kith rules …`: the instance policy (docs/rules/README.md) from the command line: check a
// file, try a text against it, see what it would have done to recent posts, or install one of
// the shipped examples into the data directory.
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config.ts";
import type { CompiledPolicy } from "../domain/rules/compile.ts";
import { describeVerdict, tryText } from "../domain/rules/dry-run.ts";
import { rulesInForce } from "../domain/rules/in-force.ts";
import { loadPolicyFile, RulesFileError } from "../domain/rules/load.ts";
import { simulatePolicy } from "../domain/rules/simulate.ts";
import { type Command, commandGroup, parse, UsageError } from "./args.ts";
import { withContext } from "./context.ts";

const SHIPPED = join(import.meta.dirname, "..", "..", "docs", "rules");
const EXAMPLES = ["lipogram", "dolphin-town"];
const rulesOption = { rules: { type: "string" } } as const;

/** The policy in FILE, or the one configured (KITH_RULES_FILE or the data directory's). */
function policyFrom(file: string | undefined): { policy: CompiledPolicy; source: string } {
  if (file) return { policy: loadPolicyFile(file), source: file };
  const config = loadConfig();
  return { policy: rulesInForce(config), source: config.rulesFile.path };
}

const check: Command = {
  summary: "Check a policy file; exit 1 with its line and reason when it is refused.",
  usage: "kith rules check [--rules FILE]\n\nFILE defaults to the configured rules file.",
  async run(argv) {
    const { values } = parse(argv, rulesOption);
    try {
      const { policy, source } = policyFrom(values.rules);
      console.log(
        `${source}: OK, ${policy.local.length} local and ${policy.incoming.length} incoming rules.`,
      );
      return 0;
    } catch (error) {
      if (!(error instanceof RulesFileError)) throw error;
      console.log(error.message);
      return 1;
    }
  },
};

const test: Command = {
  summary: "Try a text against the local rules: exit 0 when allowed, 1 when refused.",
  usage: `kith rules test [--rules FILE] [--spoiler TEXT] [--language CODE] TEXT

Prints the rule that refuses TEXT and its message, or what rules would change.
A rules file that is refused exits 2.`,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { ...rulesOption, spoiler: { type: "string" }, language: { type: "string" } },
      1,
    );
    let policy: CompiledPolicy;
    try {
      policy = policyFrom(values.rules).policy;
    } catch (error) {
      if (!(error instanceof RulesFileError)) throw error;
      console.error(`kith: ${error.message}`);
      return 2;
    }
    const verdict = tryText(policy, {
      text: positionals[0]!,
      spoilerText: values.spoiler ?? "",
      language: values.language ?? null,
    });
    for (const line of describeVerdict(verdict)) console.log(line);
    return verdict.refusal ? 1 : 0;
  },
};

const simulate: Command = {
  summary: "Report what a policy would have done to the last N days of posts; changes nothing.",
  usage: `kith rules simulate [--rules FILE] --days N

Checks local posts against the local rules and received posts against the incoming rules.`,
  async run(argv) {
    const { values } = parse(argv, { ...rulesOption, days: { type: "string" } });
    const days = Number(values.days);
    if (!values.days || !Number.isInteger(days) || days < 1 || days > 3650)
      throw new UsageError("--days must be a whole number from 1 to 3650");
    const { policy, source } = policyFrom(values.rules);
    const result = await withContext((ctx) => simulatePolicy(ctx, policy, days));
    const { local, incoming } = result.checked;
    console.log(
      `Checked ${local} local and ${incoming} received posts from the last ${days} days against ${source}.`,
    );
    for (const a of result.affected)
      console.log(
        [
          a.direction,
          a.statusId,
          a.createdAt,
          a.acct,
          a.refused ? "refuse" : a.action,
          a.ruleId,
        ].join("\t"),
      );
    const count = (direction: string, refused: boolean) =>
      new Set(
        result.affected
          .filter((a) => a.direction === direction && a.refused === refused)
          .map((a) => a.statusId),
      ).size;
    console.log(
      `Would refuse ${count("local", true)} and change ${count("local", false)} local posts; refuse ${count("incoming", true)} and change ${count("incoming", false)} received posts. Nothing was changed.`,
    );
    return 0;
  },
};

const install: Command = {
  summary: `Copy a shipped policy (${EXAMPLES.join(", ")}) to rules.json in the data directory.`,
  usage: `kith rules install NAME [--force]\n\nNAME is one of: ${EXAMPLES.join(", ")}.\n--force replaces an existing rules.json.\nA running server reads it at its next start, or on SIGHUP.`,
  async run(argv) {
    const { values, positionals } = parse(argv, { force: { type: "boolean" } }, 1);
    const name = positionals[0]!;
    if (!EXAMPLES.includes(name))
      throw new UsageError(`no shipped policy "${name}" (choose ${EXAMPLES.join(" or ")})`);
    const config = loadConfig();
    const target = join(config.dataDir, "rules.json");
    if (existsSync(target) && !values.force) {
      console.error(`kith: ${target} exists; pass --force to replace it`);
      return 1;
    }
    copyFileSync(join(SHIPPED, `${name}.json`), target);
    console.log(`Installed ${name} as ${target}.`);
    if (config.rulesFile.required)
      console.error(`Note: KITH_RULES_FILE is set, so ${config.rulesFile.path} is used instead.`);
    return 0;
  },
};

const commands: Record<string, Command> = { check, test, simulate, install };

export const rulesCommand: Command = commandGroup(
  "rules",
  "Check, try and install the instance policy (machine-enforced rules).",
  commands,
);
