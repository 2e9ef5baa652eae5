// Mastodon 4.3's safety catch for open registrations: when no admin or moderator has been
// active for a week, nobody would notice a wave of spam sign-ups, so an hourly job switches
// sign-ups to approval (the KITH_REGISTRATIONS=approval behaviour) and tells the admins by
// log and e-mail. The switch is kept in `settings` and stays until an admin reopens with
// `kith registrations reopen`; KITH_REGISTRATIONS_AUTO_APPROVAL=false turns it all off.
// Activity is what Kith records: signing in (web, OAuth), opening a web session, making or
// using an API token (token use is written at most hourly), and a staff account's creation,
// so a new instance is not switched before its first week; an instance without staff counts
// from its first account.
import type { RegistrationMode } from "../../config.ts";
import { logger } from "../../logging.ts";
import { type Context, inTransaction } from "../context.ts";
import { sendInstanceMail } from "./registration-mail.ts";

const log = logger("registration");
const SETTING = "registrations_auto_approval_at";
// The operator reopening at the command line counts as moderator activity for a week.
const REOPENED = "registrations_reopened_at";
export const MODERATOR_INACTIVITY_MS = 7 * 86_400_000;

/** When the switch was made, or null while registrations are as configured. */
export async function autoApprovalSince(ctx: Context): Promise<string | null> {
  if (ctx.config.registrations !== "open" || !ctx.config.registrationsAutoApproval) return null;
  const row = await ctx.db.kysely
    .selectFrom("settings")
    .select("value")
    .where("key", "=", SETTING)
    .executeTakeFirst();
  return row?.value ?? null;
}

/** The registration mode in force: the configured one, unless the switch turned open into approval. */
export async function registrationModeInForce(ctx: Context): Promise<RegistrationMode> {
  return (await autoApprovalSince(ctx)) ? "approval" : ctx.config.registrations;
}

const max = (values: (string | null | undefined)[]) =>
  values.reduce<string | null>((a, b) => (b && (!a || b > a) ? b : a), null);

/** The latest sign of life from any admin or moderator; without staff, the first account's creation. */
export async function lastModeratorActivity(ctx: Context): Promise<string | null> {
  const { kysely } = ctx.db;
  const staff = kysely
    .selectFrom("users")
    .select("account_id")
    .where("role", "in", ["admin", "moderator"]);
  const users = await kysely
    .selectFrom("users")
    .select([
      (eb) => eb.fn.max("last_sign_in_at").as("signed_in"),
      (eb) => eb.fn.max("created_at").as("created"),
    ])
    .where("role", "in", ["admin", "moderator"])
    .executeTakeFirst();
  const tokens = await kysely
    .selectFrom("oauth_tokens")
    .select([
      (eb) => eb.fn.max("last_used_at").as("used"),
      (eb) => eb.fn.max("created_at").as("created"),
    ])
    .where("account_id", "in", staff)
    .executeTakeFirst();
  const sessions = await kysely
    .selectFrom("web_sessions")
    .select((eb) => eb.fn.max("created_at").as("created"))
    .where("account_id", "in", staff)
    .executeTakeFirst();
  const reopened = await kysely
    .selectFrom("settings")
    .select("value")
    .where("key", "=", REOPENED)
    .executeTakeFirst();
  const latest = max([
    reopened?.value,
    users?.signed_in,
    users?.created,
    tokens?.used,
    tokens?.created,
    sessions?.created,
  ]);
  if (latest) return latest;
  const first = await kysely
    .selectFrom("users")
    .select((eb) => eb.fn.min("created_at").as("created"))
    .executeTakeFirst();
  return first?.created ?? null;
}

/**
 * The hourly check: switches open registrations to approval when no moderator has been active
 * for a week. True when it switched now.
 */
export async function checkModeratorActivity(ctx: Context, now = new Date()): Promise<boolean> {
  const { config } = ctx;
  if (config.registrations !== "open" || !config.registrationsAutoApproval) return false;
  if (await autoApprovalSince(ctx)) return false;
  const last = await lastModeratorActivity(ctx);
  if (!last || Date.parse(last) > now.getTime() - MODERATOR_INACTIVITY_MS) return false;
  const inserted = await ctx.db.kysely
    .insertInto("settings")
    .values({ key: SETTING, value: now.toISOString() })
    .onConflict((oc) => oc.column("key").doNothing())
    .returning("key")
    .executeTakeFirst();
  if (!inserted) return false;
  log.warning(
    "No admin or moderator has been active since {last}: new sign-ups now need approval. " +
      "Run `kith registrations reopen` to open them again.",
    { last },
  );
  await tellAdmins(ctx, last);
  return true;
}

async function tellAdmins(ctx: Context, last: string): Promise<void> {
  const admins = await ctx.db.kysely
    .selectFrom("users")
    .select("email")
    .where("role", "=", "admin")
    .where("disabled", "=", 0)
    .execute();
  const { title, domain } = ctx.config;
  for (const { email } of admins) {
    await sendInstanceMail(ctx, {
      to: email,
      subject: `Sign-ups on ${title} now need approval`,
      text:
        `No admin or moderator of ${title} (${domain}) has been active since ${last}, so ` +
        "new sign-ups now wait for a moderator's approval instead of being open to anyone.\n\n" +
        "To open them again, run `kith registrations reopen` on the server.\n",
    }).catch((error: unknown) =>
      log.error("Could not mail {email} about the switch to approval: {error}", {
        email,
        error: String(error),
      }),
    );
  }
}

/**
 * Undoes the switch, and counts as moderator activity (else the next check would switch
 * again at once); false when registrations were not switched.
 */
export async function reopenRegistrations(ctx: Context, now = new Date()): Promise<boolean> {
  return inTransaction(ctx, async (_tctx, trx) => {
    const result = await trx.deleteFrom("settings").where("key", "=", SETTING).executeTakeFirst();
    await trx.deleteFrom("settings").where("key", "=", REOPENED).execute();
    await trx.insertInto("settings").values({ key: REOPENED, value: now.toISOString() }).execute();
    return Number(result.numDeletedRows) > 0;
  });
}
