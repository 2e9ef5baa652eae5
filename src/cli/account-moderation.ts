// `kith accounts warn|sensitive|disable|silence|suspend …` and their undoing, `approve` and
// `reject`: the operator's moderation, through the same domain functions as the admin API (so
// federation and the audit log happen alike; the operator is recorded as "operator").
import { findByHandle } from "../domain/accounts/queries.ts";
import type { Context } from "../domain/context.ts";
import { notFound } from "../domain/errors.ts";
import {
  type AccountActionType,
  takeAccountAction,
  type UndoAction,
  undoAccountAction,
} from "../domain/moderation/account-actions.ts";
import { approveAccount, rejectAccount } from "../domain/moderation/sign-ups.ts";
import { type Command, parse } from "./args.ts";
import { withContext } from "./context.ts";

async function accountIdOf(ctx: Context, handle: string): Promise<string> {
  const account = await findByHandle(ctx, handle);
  if (!account) throw notFound();
  return account.id;
}

const HANDLE_HELP = "ACCOUNT is a local username or user@domain for a remote account.";

function action(verb: string, type: AccountActionType, summary: string, done: string): Command {
  return {
    summary,
    usage:
      `kith accounts ${verb} ACCOUNT [--text TEXT] [--report REPORT_ID] [--no-notify]\n\n${summary}\n` +
      `${HANDLE_HELP}\nA strike with TEXT is recorded and a local owner is notified (unless\n` +
      "--no-notify). --report resolves that report; any action but warn resolves every open\n" +
      "report against the account.",
    async run(argv) {
      const { values, positionals } = parse(
        argv,
        {
          text: { type: "string" },
          report: { type: "string" },
          "no-notify": { type: "boolean" },
        },
        1,
      );
      const handle = positionals[0]!;
      await withContext(async (ctx) =>
        takeAccountAction(ctx, null, await accountIdOf(ctx, handle), {
          type,
          ...(values.text !== undefined ? { text: values.text } : {}),
          ...(values.report !== undefined ? { reportId: values.report } : {}),
          notifyOwner: values["no-notify"] !== true,
        }),
      );
      console.log(`@${handle} ${done}.`);
      return 0;
    },
  };
}

function simple(
  verb: string,
  summary: string,
  run: (ctx: Context, accountId: string) => Promise<void>,
  done: string,
): Command {
  return {
    summary,
    usage: `kith accounts ${verb} ACCOUNT\n\n${summary}\n${HANDLE_HELP}`,
    async run(argv) {
      const { positionals } = parse(argv, {}, 1);
      const handle = positionals[0]!;
      await withContext(async (ctx) => run(ctx, await accountIdOf(ctx, handle)));
      console.log(`@${handle} ${done}.`);
      return 0;
    },
  };
}

const undo = (verb: UndoAction, summary: string, done: string) =>
  simple(verb, summary, (ctx, id) => undoAccountAction(ctx, null, id, verb), done);

export const moderationCommands: Record<string, Command> = {
  approve: simple(
    "approve",
    "Approve a pending sign-up.",
    (ctx, id) => approveAccount(ctx, null, id),
    "is approved",
  ),
  reject: simple(
    "reject",
    "Reject a pending sign-up: the account is deleted and its name freed.",
    (ctx, id) => rejectAccount(ctx, null, id),
    "is rejected",
  ),
  warn: action("warn", "none", "Warn an account (a strike its owner sees).", "is warned"),
  sensitive: action(
    "sensitive",
    "sensitive",
    "Mark all of an account's posts sensitive.",
    "is marked sensitive",
  ),
  unsensitive: undo("unsensitive", "Lift the sensitive mark.", "is no longer marked sensitive"),
  disable: action(
    "disable",
    "disable",
    "Freeze a local account: it can no longer sign in.",
    "is disabled",
  ),
  enable: undo("enable", "Unfreeze a disabled local account.", "is enabled"),
  silence: action(
    "silence",
    "silence",
    "Limit an account: hidden from public timelines and from non-followers.",
    "is limited",
  ),
  unsilence: undo("unsilence", "Lift a limit.", "is no longer limited"),
  suspend: action(
    "suspend",
    "suspend",
    "Suspend an account: hidden everywhere; its data are purged after 30 days.",
    "is suspended",
  ),
  unsuspend: undo("unsuspend", "Lift a suspension within its 30 days.", "is no longer suspended"),
};
