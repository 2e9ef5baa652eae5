// The `kith` command: dispatches to a sub-command and turns errors into one line and an exit code.
import { ConfigError } from "../config.ts";
import { DomainError } from "../domain/errors.ts";
import { accountsCommand } from "./accounts.ts";
import { type Command, UsageError, wantsHelp } from "./args.ts";
import { invitesCommand } from "./invites.ts";
import { labCommand } from "./lab.ts";
import { migrateCommand } from "./migrate.ts";
import { serveCommand, webCommand, workerCommand } from "./serve.ts";
import { serverRulesCommand } from "./server-rules.ts";

const commands: Record<string, Command> = {
  serve: serveCommand,
  web: webCommand,
  worker: workerCommand,
  migrate: migrateCommand,
  accounts: accountsCommand,
  "server-rules": serverRulesCommand,
  invites: invitesCommand,
  lab: labCommand,
};

const usage = `kith: a federated social network server

Usage: kith COMMAND [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join("\n")}

Run kith COMMAND --help for details. Settings come from environment variables (see README).`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage);
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-v") {
    const { KITH_VERSION } = await import("../version.ts");
    console.log(KITH_VERSION);
    return 0;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command "${name}"`);
  // Group commands (accounts) handle --help for their own sub-commands.
  if (!["accounts", "server-rules", "invites"].includes(name) && wantsHelp(rest)) {
    console.log(command.usage);
    return 0;
  }
  return command.run(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`kith: ${error.message} (see kith --help)`);
    process.exitCode = 2;
  } else if (error instanceof ConfigError || error instanceof DomainError) {
    console.error(`kith: ${error.message}`);
    process.exitCode = 1;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`kith: ${message.split("\n")[0]}`);
    process.exitCode = 1;
  }
}
