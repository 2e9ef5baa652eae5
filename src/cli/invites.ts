// `kith invites …`: the operator makes, lists and revokes invite codes, the way in when
// registrations are closed (KITH_REGISTRATIONS=closed), until the admin API and pages do it.
import { createInviteAs, listInvites, revokeInvite } from "../domain/accounts/invites-admin.ts";
import { type Command, commandGroup, parse, UsageError } from "./args.ts";
import { withContext, withOperatorAction } from "./context.ts";

/** A whole number above 0 from an option, or a usage error naming it. */
function positive(option: string, value: string | undefined, integer: boolean): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new UsageError(`${option} must be a ${integer ? "whole " : ""}number above 0`);
  return n;
}

const create: Command = {
  summary: "Make an invite code.",
  usage:
    "kith invites create [--max-uses N] [--expires-in HOURS] [--by USERNAME]\n\n" +
    "Prints the code and the sign-up link that fills it in. Without --max-uses the code works\n" +
    "any number of times, without --expires-in it never expires. --by files it under a local\n" +
    "account (otherwise it is the operator's).",
  async run(argv) {
    const { values } = parse(argv, {
      "max-uses": { type: "string" },
      "expires-in": { type: "string" },
      by: { type: "string" },
    });
    const maxUses = positive("--max-uses", values["max-uses"], true);
    const expiresInHours = positive("--expires-in", values["expires-in"], false);
    if (values.by !== undefined && values.by.replace(/^@/, "").trim() === "")
      throw new UsageError("--by needs a username");
    const { invite, origin } = await withOperatorAction(
      async (ctx) => ({
        invite: await createInviteAs(ctx, {
          maxUses,
          expiresInHours,
          by: values.by?.replace(/^@/, "").trim() ?? null,
        }),
        origin: ctx.config.origin,
      }),
      ({ invite }) => ({
        action: "invite.create",
        targetType: "invite",
        targetId: invite.code,
        targetLabel: `invite ${invite.code}`,
        detail: { maxUses: invite.maxUses, expiresAt: invite.expiresAt?.toISOString() ?? null },
      }),
    );
    console.log(`Invite code: ${invite.code}`);
    console.log(`Sign-up URL: ${origin}/auth/sign_up?invite_code=${invite.code}`);
    console.log(
      `Uses: ${invite.maxUses ?? "unlimited"}; expires: ${invite.expiresAt?.toISOString() ?? "never"}`,
    );
    return 0;
  },
};

const list: Command = {
  summary: "List invite codes.",
  usage:
    "kith invites list\n\nPrints one invite a line, oldest first: code, uses (used/max), expiry, who it is\n" +
    "filed under (- for the operator) and state (usable, used up or expired).",
  async run(argv) {
    parse(argv, {});
    const invites = await withContext(listInvites);
    for (const i of invites) {
      console.log(
        [
          i.code,
          `${i.uses}/${i.maxUses ?? "unlimited"}`,
          i.expiresAt ?? "never",
          i.by ? `@${i.by}` : "-",
          i.state,
        ].join("\t"),
      );
    }
    if (invites.length === 0) console.error("No invites yet.");
    return 0;
  },
};

const revoke: Command = {
  summary: "Revoke an invite code.",
  usage:
    "kith invites revoke CODE\n\nThe code stops working at once (it expires now); accounts made with it stay.",
  async run(argv) {
    const { positionals } = parse(argv, {}, 1);
    const code = positionals[0]!;
    await withOperatorAction(
      (ctx) => revokeInvite(ctx, code),
      () => ({
        action: "invite.revoke",
        targetType: "invite",
        targetId: code,
        targetLabel: `invite ${code}`,
      }),
    );
    console.log(`Revoked invite ${code}.`);
    return 0;
  },
};

const commands: Record<string, Command> = { create, list, revoke };

export const invitesCommand = commandGroup("invites", "Manage invite codes.", commands);
