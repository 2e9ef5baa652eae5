// Asking for the confirmation e-mail again (POST /api/v1/emails/confirmations), optionally at a
// corrected address, and asking whether the address is confirmed yet
// (GET /api/v1/emails/check_confirmation). Both are for a user who has signed up through an app
// and cannot pass the usual sign-in checks yet, so they start from the access token itself.
import { randomBytes } from "node:crypto";
import { logger } from "../../logging.ts";
import type { Context } from "../context.ts";
import { DomainError, validation } from "../errors.ts";
import { matchingCanonicalEmailBlocks } from "../moderation/canonical-email-blocks.ts";
import { emailDomainBlocked } from "../moderation/email-domain-blocks.ts";
import { satisfies } from "../oauth/scopes.ts";
import { findTokenWithLogin, hashSecret } from "../oauth/tokens.ts";
import { sendConfirmationMail } from "./registration-mail.ts";
import { emailProblem } from "./usernames.ts";

const log = logger("registration");
const CONTROL = /\p{Cc}/u;

export interface TokenUser {
  userId: string;
  username: string;
  email: string;
  confirmed: boolean;
  scopes: string[];
}

/** The local user behind an access token, unless suspended or disabled; null if none. */
export async function userOfToken(ctx: Context, accessToken: string): Promise<TokenUser | null> {
  const found = await findTokenWithLogin(ctx, accessToken);
  const login = found?.login;
  if (!found || !login || login.suspended_at || login.disabled === 1) return null;
  return {
    userId: login.user_id,
    username: login.username,
    email: login.email,
    confirmed: login.confirmed_at !== null,
    scopes: found.grant.scopes,
  };
}

/** The token must hold `scope`, as every other API call checks. */
export function requireTokenScope(user: TokenUser, scope: string): void {
  if (!satisfies(user.scopes, scope))
    throw new DomainError("forbidden", "This action is outside the authorized scopes");
}

/**
 * A new confirmation link for a user still waiting for one, sent to `newEmail` when given (the
 * address is changed first, checked as at sign-up). The old link stops working.
 */
export async function resendConfirmation(
  ctx: Context,
  user: TokenUser,
  newEmail?: string,
): Promise<void> {
  if (user.confirmed)
    throw new DomainError(
      "forbidden",
      "This method is only available while the e-mail is awaiting confirmation",
    );
  const email = newEmail === undefined ? user.email : newEmail.trim();
  if (newEmail !== undefined) await checkNewEmail(ctx, user, email);
  const token = randomBytes(32).toString("base64url");
  await ctx.db.kysely
    .updateTable("users")
    .set({
      email,
      confirmation_token: hashSecret(token),
      updated_at: new Date().toISOString(),
    })
    .where("id", "=", user.userId)
    .where("confirmed_at", "is", null)
    .execute();
  // As at sign-up: sent after the answer, a failure logged, and the user may ask again.
  sendConfirmationMail(ctx, { email, username: user.username }, token).catch((error: unknown) =>
    log.error("Could not send the confirmation mail to @{username}: {error}", {
      username: user.username,
      error: String(error),
    }),
  );
}

async function checkNewEmail(ctx: Context, user: TokenUser, email: string): Promise<void> {
  const problem: [string, string] | null = CONTROL.test(email)
    ? ["ERR_INVALID", "is invalid"]
    : emailProblem(email);
  let refused = problem;
  if (
    !refused &&
    ((await emailDomainBlocked(ctx, email, null)) ||
      (await matchingCanonicalEmailBlocks(ctx, email)).length > 0)
  )
    refused = ["ERR_BLOCKED", "uses a disallowed e-mail provider"];
  if (!refused) {
    const taken = await ctx.db.kysely
      .selectFrom("users")
      .select("id")
      .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.toLowerCase()))
      .where("id", "!=", user.userId)
      .executeTakeFirst();
    if (taken) refused = ["ERR_TAKEN", "has already been taken"];
  }
  if (refused)
    throw validation(`Validation failed: Email ${refused[1]}`, {
      email: [{ error: refused[0], description: refused[1] }],
    });
}
