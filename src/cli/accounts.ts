// `kith accounts …`: the operator's tools for local accounts.
import type { Role } from "../db/schema.ts";
import {
  createLocalAccount,
  deleteLocal,
  listLocalAccounts,
  ROLES,
  setRole,
} from "../domain/accounts/admin.ts";
import type { Context } from "../domain/context.ts";
import { createPersonalTokenFor } from "../domain/oauth/personal-tokens.ts";
import { parseScopes } from "../domain/oauth/scopes.ts";
import { moderationCommands } from "./account-moderation.ts";
import { type Command, commandGroup, parse, UsageError } from "./args.ts";
import { withContext, withOperatorAction } from "./context.ts";

const create: Command = {
  summary: "Create a local account.",
  usage:
    "kith accounts create USERNAME --email EMAIL [--role admin|moderator|user] [--password PASSWORD]\n\n" +
    "Creates an approved, confirmed local account. Without --password a strong one is generated\nand printed once.",
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { email: { type: "string" }, role: { type: "string" }, password: { type: "string" } },
      1,
    );
    if (!values.email) throw new UsageError("--email is required");
    if (values.role && !ROLES.includes(values.role as Role)) {
      throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
    }
    const role = (values.role as Role | undefined) ?? "user";
    const created = await withOperatorAction(
      (ctx) =>
        createLocalAccount(ctx, {
          username: positionals[0]!,
          email: values.email!,
          ...(values.password !== undefined ? { password: values.password } : {}),
          role,
        }),
      (c) => ({
        action: "account.create",
        targetType: "account",
        targetId: c.accountId,
        targetLabel: c.username,
        detail: { role },
      }),
    );
    console.log(`Created @${created.username} (id ${created.accountId}).`);
    if (created.generatedPassword) console.log(`Password: ${created.generatedPassword}`);
    return 0;
  },
};

const list: Command = {
  summary: "List local accounts.",
  usage:
    "kith accounts list\n\nPrints one local account a line: id, username, email, role and state.",
  async run(argv) {
    parse(argv, {});
    const accounts = await withContext(listLocalAccounts);
    for (const a of accounts) {
      const state = a.suspended
        ? "suspended"
        : !a.approved
          ? "pending"
          : a.disabled
            ? "disabled"
            : "active";
      console.log([a.id, a.username, a.email, a.role, state].join("\t"));
    }
    if (accounts.length === 0) console.error("No local accounts yet.");
    return 0;
  },
};

const setRoleCommand: Command = {
  summary: "Give a local account a role.",
  usage: `kith accounts set-role USERNAME ROLE\n\nROLE is one of ${ROLES.join(", ")}.`,
  async run(argv) {
    const { positionals } = parse(argv, {}, 2);
    const [username, role] = positionals as [string, string];
    if (!ROLES.includes(role as Role))
      throw new UsageError(`ROLE must be one of ${ROLES.join(", ")}`);
    await withContext((ctx) => setRole(ctx, username, role));
    console.log(`@${username} is now ${role}.`);
    return 0;
  },
};

const token: Command = {
  summary: "Print a new access token for a local account.",
  usage:
    'kith accounts token USERNAME [--scopes "read write follow push"]\n\n' +
    "Makes a personal application for the account (listed on its /settings/applications page,\n" +
    "where it can be deleted) and prints its bearer token once. Scopes default to\n" +
    '"read write follow push".',
  async run(argv) {
    const { values, positionals } = parse(argv, { scopes: { type: "string" } }, 1);
    const { scopes, unknown } = parseScopes(values.scopes, "read write follow push");
    if (unknown.length > 0) throw new UsageError(`unknown scope ${JSON.stringify(unknown[0])}`);
    const username = positionals[0]!;
    const issued = await withOperatorAction(
      (ctx) => createPersonalTokenFor(ctx, username, scopes),
      () => ({
        action: "account.token_create",
        targetType: "account",
        targetId: username.toLowerCase(),
        targetLabel: username,
        detail: { scopes },
      }),
    );
    console.log(issued.accessToken);
    return 0;
  },
};

function byUsername(
  summary: string,
  verb: string,
  action: (ctx: Context, u: string) => Promise<void>,
  done: string,
): Command {
  return {
    summary,
    usage: `kith accounts ${verb} USERNAME\n\n${summary}`,
    async run(argv) {
      const { positionals } = parse(argv, {}, 1);
      const username = positionals[0]!;
      await withContext((ctx) => action(ctx, username));
      console.log(`@${username} ${done}.`);
      return 0;
    },
  };
}

export const accountCommands: Record<string, Command> = {
  create,
  list,
  "set-role": setRoleCommand,
  token,
  ...moderationCommands,
  delete: byUsername(
    "Delete a local account for good; the username stays reserved.",
    "delete",
    deleteLocal,
    "is deleted",
  ),
};

export const accountsCommand = commandGroup(
  "accounts",
  "Manage and moderate accounts.",
  accountCommands,
);
