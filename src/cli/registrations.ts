// `kith registrations status|reopen`: the registration mode in force, and undoing the switch
// to approval made when no moderator was active for a week (registration-auto-approval.ts).
import {
  autoApprovalSince,
  lastModeratorActivity,
  registrationModeInForce,
  reopenRegistrations,
} from "../domain/accounts/registration-auto-approval.ts";
import { type Command, commandGroup, parse } from "./args.ts";
import { withContext, withOperatorAction } from "./context.ts";

const status: Command = {
  summary: "Show the registration mode in force and the last moderator activity.",
  usage: "kith registrations status",
  async run(argv) {
    parse(argv, {});
    const s = await withContext(async (ctx) => ({
      configured: ctx.config.registrations,
      auto: ctx.config.registrationsAutoApproval,
      inForce: await registrationModeInForce(ctx),
      since: await autoApprovalSince(ctx),
      last: await lastModeratorActivity(ctx),
    }));
    console.log(`Configured: ${s.configured} (KITH_REGISTRATIONS)`);
    console.log(
      `In force: ${s.inForce}${s.since ? ` (switched to approval at ${s.since}: no moderator was active for a week)` : ""}`,
    );
    console.log(`Automatic switch to approval: ${s.auto ? "on" : "off"}`);
    console.log(`Last moderator activity: ${s.last ?? "none"}`);
    return 0;
  },
};

const reopen: Command = {
  summary: "Open registrations again after the automatic switch to approval.",
  usage:
    "kith registrations reopen\n\nUndoes the switch; this counts as moderator activity, so the next switch comes\n" +
    "at the earliest a week later, if no admin or moderator is active meanwhile.",
  async run(argv) {
    parse(argv, {});
    const reopened = await withOperatorAction(
      (ctx) => reopenRegistrations(ctx),
      () => ({
        action: "registrations.reopen",
        targetType: "instance",
        targetId: "registrations",
        targetLabel: "registrations",
      }),
    );
    console.log(
      reopened
        ? "Registrations are open again."
        : "Registrations were not switched to approval; nothing to undo.",
    );
    return 0;
  },
};

export const registrationsCommand = commandGroup(
  "registrations",
  "See and reset the registration mode in force.",
  { status, reopen },
);
