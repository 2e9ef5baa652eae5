// Sign-up, through POST /api/v1/accounts and the /auth/sign_up page, in the instance's mode:
// open; approval (moderators review each request, which needs a reason); or closed (an invite
// code is the only way in). A valid invite also skips the approval queue, as in Mastodon.
// Sign-up safety: IP blocks refuse sign-ups or queue them for approval; e-mail domain blocks
// refuse addresses at a blocked domain or its subdomains, canonical e-mail blocks one address
// however it is spelled; open registrations may have switched to approval by themselves
// (registration-auto-approval.ts).
import { randomBytes } from "node:crypto";
import { logger } from "../../logging.ts";
import type { Context } from "../context.ts";
import { DomainError, validation } from "../errors.ts";
import { matchingCanonicalEmailBlocks } from "../moderation/canonical-email-blocks.ts";
import { emailDomainBlocked } from "../moderation/email-domain-blocks.ts";
import { signUpIpPolicy } from "../moderation/ip-blocks.ts";
import { notify } from "../notifications/notify.ts";
import { hashSecret, type IssuedToken, issueToken } from "../oauth/tokens.ts";
import { createLocalAccount } from "./admin.ts";
import { passwordProblem } from "./passwords.ts";
import { registrationModeInForce } from "./registration-auto-approval.ts";
import { consumeInvite, findUsableInvite } from "./registration-invites.ts";
import { sendConfirmationMail } from "./registration-mail.ts";
import { staffAccountIds } from "./staff.ts";
import { emailProblem, usernameProblem } from "./usernames.ts";

const log = logger("registration");
export const REASON_MAX = 420;
const CONTROL = /\p{Cc}/u;
const LOCALE = /^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,2}$/;

export interface SignUp {
  username: string;
  email: string;
  password: string;
  agreement: boolean;
  locale?: string | null | undefined;
  reason?: string | null | undefined;
  inviteCode?: string | null | undefined;
  ip: string | null;
  /** The application signing the user up (API); the new user's token gets its scopes. */
  application?: { id: string | null; scopes: string[] } | null;
}

export interface SignedUp {
  accountId: string;
  userId: string;
  username: string;
  approved: boolean;
  confirmed: boolean;
  token: IssuedToken | null;
}

type FieldErrors = Record<string, { error: string; description: string }[]>;

function fieldErrors(): [FieldErrors, (field: string, code: string, description: string) => void] {
  const errors: FieldErrors = {};
  return [
    errors,
    (field, code, description) => (errors[field] ??= []).push({ error: code, description }),
  ];
}

function fail(errors: FieldErrors): never {
  const summary = Object.entries(errors)
    .map(([field, list]) => {
      const name =
        field === "invite_code" ? "Invite code" : `${field[0]!.toUpperCase()}${field.slice(1)}`;
      return `${name} ${list.map((e) => e.description).join(", ")}`;
    })
    .join(", ");
  throw validation(`Validation failed: ${summary}`, errors);
}

/** What the sign-up form needs to know: may one sign up, and is a reason asked for? */
export async function registrationMode(ctx: Context) {
  const mode = await registrationModeInForce(ctx);
  return { mode, open: mode !== "closed", reasonRequired: mode === "approval" };
}

export async function signUp(ctx: Context, input: SignUp): Promise<SignedUp> {
  const mode = await registrationModeInForce(ctx);
  const ipPolicy = await signUpIpPolicy(ctx, input.ip);
  if (ipPolicy === "block")
    throw new DomainError("forbidden", "Sign-ups are not allowed from your IP address");
  const inviteCode = input.inviteCode?.trim() ?? "";
  const invite = inviteCode ? await findUsableInvite(ctx, inviteCode) : null;
  if (mode === "closed" && !invite) {
    throw new DomainError(
      "forbidden",
      inviteCode
        ? "This invite code is invalid, used up or expired"
        : "Registrations are closed on this server; an invite code is needed",
    );
  }

  const username = input.username.trim();
  const email = input.email.trim();
  const reason = input.reason?.trim() || null;
  const [errors, add] = fieldErrors();
  const check = (field: string, problem: [string, string] | null) => {
    if (problem) add(field, problem[0], problem[1]);
  };
  check("username", usernameProblem(username, ctx.config.domain));
  const badEmail: [string, string] | null = CONTROL.test(email)
    ? ["ERR_INVALID", "is invalid"]
    : emailProblem(email);
  check("email", badEmail);
  if (
    !badEmail &&
    ((await emailDomainBlocked(ctx, email, input.ip)) ||
      (await matchingCanonicalEmailBlocks(ctx, email)).length > 0)
  )
    add("email", "ERR_BLOCKED", "uses a disallowed e-mail provider");
  const weak = passwordProblem(input.password, [username, email.split("@")[0] ?? ""]);
  if (weak) add("password", weak.includes("short") ? "ERR_TOO_SHORT" : "ERR_INVALID", weak);
  if (!input.agreement) add("agreement", "ERR_ACCEPTED", "must be accepted");
  if (input.locale && !LOCALE.test(input.locale))
    add("locale", "ERR_INCLUSION", "is not included in the list");
  if (reason?.includes("\u0000")) add("reason", "ERR_INVALID", "is invalid");
  else if (reason && [...reason].length > REASON_MAX)
    add("reason", "ERR_TOO_LONG", `is too long (maximum is ${REASON_MAX} characters)`);
  else if (mode === "approval" && !invite && !reason) add("reason", "ERR_BLANK", "can't be blank");
  if (inviteCode && !invite) add("invite_code", "ERR_INVALID", "is invalid");
  if (Object.keys(errors).length > 0) fail(errors);

  // As Mastodon: an IP range that needs approval queues the account, unless an invite vouches.
  const approved = (mode === "open" && ipPolicy !== "approval") || invite !== null;
  const confirmed = ctx.config.smtp === null;
  const created = await createLocalAccount(ctx, {
    username,
    email,
    password: input.password,
    approved,
    confirmed,
    reason,
    locale: input.locale?.replace("_", "-") || "en",
    signUpIp: input.ip,
    inviteId: invite?.id ?? null,
  });

  // createLocalAccount commits on its own; what sign-up adds is written next, and the account
  // is removed again if that fails, so no half-made sign-up is left behind.
  const confirmationToken = confirmed ? null : randomBytes(32).toString("base64url");
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      if (invite && !(await consumeInvite(trx, invite.id))) {
        const [late, addLate] = fieldErrors();
        addLate("invite_code", "ERR_INVALID", "is invalid");
        fail(late);
      }
      if (confirmationToken) {
        await trx
          .updateTable("users")
          .set({ confirmation_token: hashSecret(confirmationToken) })
          .where("id", "=", created.userId)
          .execute();
      }
    });
  } catch (error) {
    await ctx.db.kysely.deleteFrom("accounts").where("id", "=", created.accountId).execute();
    throw error;
  }

  await notifyStaff(ctx, created.accountId);
  if (confirmationToken) {
    // Sent after the response; a failure is logged and the user can ask for the mail again.
    sendConfirmationMail(ctx, { email, username: created.username }, confirmationToken).catch(
      (error: unknown) =>
        log.error("Could not send the confirmation mail to @{username}: {error}", {
          username: created.username,
          error: String(error),
        }),
    );
  }
  const token = input.application
    ? await issueToken(ctx, {
        applicationId: input.application.id,
        accountId: created.accountId,
        scopes: input.application.scopes,
      })
    : null;
  return {
    accountId: created.accountId,
    userId: created.userId,
    username: created.username,
    approved,
    confirmed,
    token,
  };
}

/** Tells every admin and moderator about the new account (Mastodon's admin.sign_up). */
async function notifyStaff(ctx: Context, accountId: string): Promise<void> {
  try {
    for (const recipientId of await staffAccountIds(ctx)) {
      await notify(ctx, {
        type: "admin.sign_up",
        recipientId,
        fromAccountId: accountId,
      });
    }
  } catch (error) {
    log.error("Could not notify staff about a sign-up: {error}", { error: String(error) });
  }
}
