// Small helpers shared by the `kith` commands: usage errors, help text and option parsing.
import { type ParseArgsConfig, parseArgs } from "node:util";

/** A mistake in how the command was called: printed with a hint, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
  /** A group (commandGroup) answers --help for its own sub-commands. */
  group?: true;
}

export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: T,
  positionals = 0,
) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0]!);
  }
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(
      positionals === 0
        ? `unexpected argument ${JSON.stringify(parsed.positionals[0])}`
        : `expected ${positionals} argument${positionals > 1 ? "s" : ""}, got ${parsed.positionals.length}`,
    );
  }
  return parsed;
}

export const wantsHelp = (argv: string[]) => argv.includes("--help") || argv.includes("-h");

/** A command made of sub-commands (`kith NAME COMMAND …`), with its help text. */
export function commandGroup(
  name: string,
  summary: string,
  commands: Record<string, Command>,
): Command {
  const width = Math.max(10, ...Object.keys(commands).map((sub) => sub.length));
  const group: Command = {
    group: true,
    summary,
    usage: `kith ${name} COMMAND\n\nCommands:\n${Object.entries(commands)
      .map(([sub, c]) => `  ${sub.padEnd(width)} ${c.summary}`)
      .join("\n")}\n\nRun kith ${name} COMMAND --help for details.`,
    async run(argv) {
      const [sub, ...rest] = argv;
      if (!sub || sub === "--help" || sub === "-h") {
        console.log(group.usage);
        return sub ? 0 : 2;
      }
      const command = commands[sub];
      if (!command) throw new UsageError(`unknown command "${name} ${sub}"`);
      if (wantsHelp(rest)) {
        console.log(command.usage);
        return 0;
      }
      return command.run(rest);
    },
  };
  return group;
}
