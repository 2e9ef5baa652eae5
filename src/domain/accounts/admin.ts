// Creating local accounts and the operator's actions on them (the `kith accounts` commands).
// Moderation proper (warn, limit, suspend…) is moderation/account-actions.ts, shared with the
// admin API; the operator acts there as `by = null`.
import { newId } from "../../db/ids.ts";
import type { Role } from "../../db/schema.ts";
import { type Context, inTransaction } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import { takeAccountAction, undoAccountAction } from "../moderation/account-actions.ts";
import { recordAudit } from "../moderation/audit.ts";
import { approveAccount } from "../moderation/sign-ups.ts";
import { generatePassword, hashPassword, passwordProblem } from "./passwords.ts";
import { relatedRemoteAccountIds, retireLocalAccount } from "./retire.ts";
import { emailProblem, usernameProblem } from "./usernames.ts";

export const ROLES: readonly Role[] = ["user", "moderator", "admin"];

export interface NewLocalAccount {
  username: string;
  email: string;
  password?: string;
  role?: Role;
  approved?: boolean;
  confirmed?: boolean;
  reason?: string | null;
  locale?: string;
  signUpIp?: string | null;
  inviteId?: string | null;
}

export interface CreatedAccount {
  accountId: string;
  userId: string;
  username: string;
  /** Set when Kith generated the password, so the caller can show it once. */
  generatedPassword?: string;
}

type FieldErrors = Record<string, { error: string; description: string }[]>;

function fail(errors: FieldErrors): never {
  const summary = Object.entries(errors)
    .map(
      ([field, list]) =>
        `${field[0]!.toUpperCase()}${field.slice(1)} ${list.map((e) => e.description).join(", ")}`,
    )
    .join(", ");
  throw validation(`Validation failed: ${summary}`, errors);
}

export async function createLocalAccount(
  ctx: Context,
  input: NewLocalAccount,
): Promise<CreatedAccount> {
  const { kysely } = ctx.db;
  const username = input.username.trim();
  const email = input.email.trim();
  const errors: FieldErrors = {};
  const add = (field: string, problem: [string, string] | null) => {
    if (problem) (errors[field] ??= []).push({ error: problem[0], description: problem[1] });
  };
  add("username", usernameProblem(username, ctx.config.domain));
  add("email", emailProblem(email));
  const password = input.password ?? generatePassword([username, email.split("@")[0] ?? ""]);
  const weak = passwordProblem(password, [username, email.split("@")[0] ?? ""]);
  if (weak) add("password", [weak.includes("short") ? "ERR_TOO_SHORT" : "ERR_INVALID", weak]);
  if (input.role && !ROLES.includes(input.role)) add("role", ["ERR_INCLUSION", "is not a role"]);
  if (Object.keys(errors).length > 0) fail(errors);

  const taken = await kysely
    .selectFrom("accounts")
    .select("id")
    .where((eb) =>
      eb.and([
        eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()),
        eb("domain", "is", null),
      ]),
    )
    .executeTakeFirst();
  if (taken) add("username", ["ERR_TAKEN", "has already been taken"]);
  const emailTaken = await kysely
    .selectFrom("users")
    .select("id")
    .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.toLowerCase()))
    .executeTakeFirst();
  if (emailTaken) add("email", ["ERR_TAKEN", "has already been taken"]);
  if (Object.keys(errors).length > 0) fail(errors);

  const passwordHash = await hashPassword(password);
  const now = new Date().toISOString();
  const accountId = newId();
  const userId = newId();
  const { origin } = ctx.config;
  try {
    await inTransaction(ctx, async (_tctx, trx) => {
      await trx
        .insertInto("accounts")
        .values({
          id: accountId,
          username,
          domain: null,
          display_name: "",
          uri: `${origin}/users/${username}`,
          url: `${origin}/@${username}`,
          inbox_url: `${origin}/users/${username}/inbox`,
          shared_inbox_url: `${origin}/inbox`,
          outbox_url: `${origin}/users/${username}/outbox`,
          followers_url: `${origin}/users/${username}/followers`,
          following_url: `${origin}/users/${username}/following`,
          featured_url: `${origin}/users/${username}/collections/featured`,
          avatar_url: null,
          header_url: null,
          discoverable: null,
          moved_to_account_id: null,
          public_key_pem: null,
          private_key_pem: null,
          suspended_at: null,
          silenced_at: null,
          sensitized_at: null,
          last_status_at: null,
          created_at: now,
          updated_at: now,
          fetched_at: null,
        })
        .execute();
      await trx
        .insertInto("users")
        .values({
          id: userId,
          account_id: accountId,
          email,
          password_hash: passwordHash,
          role: input.role ?? "user",
          approved: input.approved === false ? 0 : 1,
          confirmed_at: input.confirmed === false ? null : now,
          confirmation_token: null,
          sign_up_reason: input.reason ?? null,
          sign_up_ip: input.signUpIp ?? null,
          invite_id: input.inviteId ?? null,
          locale: input.locale ?? "en",
          default_language: null,
          created_at: now,
          updated_at: now,
          last_sign_in_at: null,
        })
        .execute();
    });
  } catch (error) {
    // Two sign-ups raced for one name: the unique index decided.
    if (/unique|duplicate/i.test(String((error as Error).message))) {
      fail({ username: [{ error: "ERR_TAKEN", description: "has already been taken" }] });
    }
    throw error;
  }
  return {
    accountId,
    userId,
    username,
    ...(input.password === undefined ? { generatedPassword: password } : {}),
  };
}

export interface LocalAccountSummary {
  id: string;
  username: string;
  email: string;
  role: Role;
  approved: boolean;
  suspended: boolean;
  disabled: boolean;
  createdAt: string;
}

export async function listLocalAccounts(ctx: Context): Promise<LocalAccountSummary[]> {
  const rows = await ctx.db.kysely
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .select([
      "accounts.id",
      "accounts.username",
      "users.email",
      "users.role",
      "users.approved",
      "users.disabled",
      "accounts.suspended_at",
      "accounts.created_at",
    ])
    .where("accounts.domain", "is", null)
    .orderBy("accounts.id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    email: r.email,
    role: r.role,
    approved: r.approved === 1,
    suspended: r.suspended_at !== null,
    disabled: r.disabled === 1,
    createdAt: r.created_at,
  }));
}

async function findLocal(ctx: Context, username: string) {
  const row = await ctx.db.kysely
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .select(["accounts.id as accountId", "accounts.username", "users.id as userId", "users.role"])
    .where((eb) => eb(eb.fn("lower", ["accounts.username"]), "=", username.toLowerCase()))
    .where("accounts.domain", "is", null)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** The ID of the local account with this username (any case), for the command line. */
export async function localAccountId(ctx: Context, username: string): Promise<string> {
  return (await findLocal(ctx, username)).accountId;
}

export async function setRole(ctx: Context, username: string, role: string): Promise<void> {
  if (!ROLES.includes(role as Role)) {
    throw validation(`Role must be one of ${ROLES.join(", ")}`);
  }
  const found = await findLocal(ctx, username);
  await inTransaction(ctx, async (tctx, trx) => {
    await trx
      .updateTable("users")
      .set({ role: role as Role, updated_at: new Date().toISOString() })
      .where("id", "=", found.userId)
      .execute();
    await recordAudit(tctx, {
      accountId: null,
      action: "account.change_role",
      targetType: "account",
      targetId: found.accountId,
      targetLabel: found.username,
      detail: { from: found.role, to: role },
    });
  });
}

// The operator's actions by username: the same domain functions as the admin API.
export const approve = async (ctx: Context, username: string) =>
  approveAccount(ctx, null, await localAccountId(ctx, username));

export const suspend = async (ctx: Context, username: string) =>
  takeAccountAction(ctx, null, await localAccountId(ctx, username), { type: "suspend" });

export const unsuspend = async (ctx: Context, username: string) =>
  undoAccountAction(ctx, null, await localAccountId(ctx, username), "unsuspend");

/**
 * Deletes a local user for good: the login and profile are removed, and the account row stays
 * as a suspended tombstone so that the name cannot be taken again (other servers still know it).
 * Other servers are told (a Delete of the actor, as Mastodon's DeleteAccountService sends): the
 * servers of its remote followers and of the accounts it followed.
 */
export async function deleteLocal(ctx: Context, username: string): Promise<void> {
  const { accountId, username: name } = await findLocal(ctx, username);
  await inTransaction(ctx, async (tctx) => {
    const related = await relatedRemoteAccountIds(tctx, accountId);
    await retireLocalAccount(tctx, accountId, related);
    await recordAudit(tctx, {
      accountId: null,
      action: "account.delete",
      targetType: "account",
      targetId: accountId,
      targetLabel: name,
    });
  });
}
