// E-mail confirmation for sign-ups. With SMTP configured (KITH_SMTP_URL) a new user must follow
// the e-mailed link before signing in; without it accounts are confirmed at once. nodemailer is
// loaded only when a mail is actually sent.
import type { Transporter } from "nodemailer";
import type { Context } from "../context.ts";
import { DomainError } from "../errors.ts";
import { hashSecret } from "../oauth/tokens.ts";

const transports = new Map<string, Promise<Transporter>>();

function transport(url: string): Promise<Transporter> {
  let t = transports.get(url);
  if (!t) {
    t = import("nodemailer").then((m) => m.default.createTransport(url));
    transports.set(url, t);
  }
  return t;
}

function confirmationLink(ctx: Context, token: string): string {
  return `${ctx.config.origin}/auth/confirmation?confirmation_token=${encodeURIComponent(token)}`;
}

export async function sendConfirmationMail(
  ctx: Context,
  to: { email: string; username: string },
  token: string,
): Promise<void> {
  const { smtp, title, domain } = ctx.config;
  if (!smtp) return;
  const link = confirmationLink(ctx, token);
  await (await transport(smtp.url)).sendMail({
    from: smtp.from,
    to: to.email,
    subject: `Confirm your e-mail address for ${title}`,
    text:
      `Hello @${to.username},\n\n` +
      `someone (hopefully you) signed up on ${title} (${domain}) with this address.\n` +
      `To confirm it, open this link:\n\n${link}\n\n` +
      "If this was not you, ignore this message and no account will be usable.\n",
  });
}

/** A plain-text mail from the instance (nothing is sent without SMTP). */
export async function sendInstanceMail(
  ctx: Context,
  mail: { to: string; subject: string; text: string },
): Promise<void> {
  const { smtp } = ctx.config;
  if (!smtp) return;
  await (await transport(smtp.url)).sendMail({ from: smtp.from, ...mail });
}

/** Marks the e-mail address behind this token as confirmed; the token works once. */
export async function confirmEmail(
  ctx: Context,
  token: string,
): Promise<{ username: string; approved: boolean }> {
  const invalid = () =>
    new DomainError("not_found", "This confirmation link is invalid or was already used");
  if (!token || token.length > 200) throw invalid();
  const { kysely } = ctx.db;
  const row = await kysely
    .selectFrom("users")
    .innerJoin("accounts", "accounts.id", "users.account_id")
    .select(["users.id", "users.approved", "accounts.username"])
    .where("users.confirmation_token", "=", hashSecret(token))
    .executeTakeFirst();
  if (!row) throw invalid();
  const now = new Date().toISOString();
  await kysely
    .updateTable("users")
    .set({ confirmed_at: now, confirmation_token: null, updated_at: now })
    .where("id", "=", row.id)
    .execute();
  return { username: row.username, approved: row.approved === 1 };
}
