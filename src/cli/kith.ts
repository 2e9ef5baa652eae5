// The `kith` command: dispatches to a sub-command and turns errors into one line and an exit code.
import { ConfigError } from "../config.ts";
import { DomainError } from "../domain/errors.ts";
import { type Command, UsageError, wantsHelp } from "./args.ts";

// Each command's module is imported only when it runs, so `kith --help` or `kith accounts list`
// does not load the web server, Fedify and the rest.
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: {
    summary: "Run the web server and the background worker in one process.",
    load: async () => (await import("./serve.ts")).serveCommand,
  },
  web: {
    summary: "Run only the web server (API, pages, inboxes).",
    load: async () => (await import("./serve.ts")).webCommand,
  },
  worker: {
    summary: "Run only the background worker (deliveries, scheduled work, clean-up).",
    load: async () => (await import("./serve.ts")).workerCommand,
  },
  migrate: {
    summary: "Apply pending database migrations.",
    load: async () => (await import("./migrate.ts")).migrateCommand,
  },
  accounts: {
    summary: "Manage and moderate accounts.",
    load: async () => (await import("./accounts.ts")).accountsCommand,
  },
  "server-rules": {
    summary: "Manage the instance's rules.",
    load: async () => (await import("./server-rules.ts")).serverRulesCommand,
  },
  rules: {
    summary: "Check, try and install the instance policy (machine-enforced rules).",
    load: async () => (await import("./rules.ts")).rulesCommand,
  },
  audit: {
    summary: "Show the audit log of moderator and admin actions.",
    load: async () => (await import("./audit.ts")).auditCommand,
  },
  "email-domains": {
    summary: "Block e-mail domains from signing up.",
    load: async () => (await import("./email-domains.ts")).emailDomainsCommand,
  },
  "ip-blocks": {
    summary: "Block IP ranges (sign-up approval, no sign-ups, or no access).",
    load: async () => (await import("./ip-blocks.ts")).ipBlocksCommand,
  },
  registrations: {
    summary: "See and reset the registration mode in force.",
    load: async () => (await import("./registrations.ts")).registrationsCommand,
  },
  invites: {
    summary: "Manage invite codes.",
    load: async () => (await import("./invites.ts")).invitesCommand,
  },
  reports: {
    summary: "Read and handle reports.",
    load: async () => (await import("./reports.ts")).reportsCommand,
  },
  domains: {
    summary: "Manage the federation policy: blocked and allowed servers, blocklists.",
    load: async () => (await import("./domains.ts")).domainsCommand,
  },
  federation: {
    summary: "See and clear remote hosts that deliveries skip.",
    load: async () => (await import("./federation.ts")).federationCommand,
  },
  lab: {
    summary: "Run 2–5 local instances that federate over HTTPS (a federation lab).",
    load: async () => (await import("./lab.ts")).labCommand,
  },
};

const NAME_WIDTH = Math.max(...Object.keys(commands).map((name) => name.length));

const usage = `kith: a federated social network server

Usage: kith COMMAND [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(NAME_WIDTH)} ${c.summary}`)
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
  const entry = commands[name];
  if (!entry) throw new UsageError(`unknown command "${name}"`);
  const command = await entry.load();
  // Group commands (accounts, domains…) handle --help for their own sub-commands.
  if (!command.group && wantsHelp(rest)) {
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
