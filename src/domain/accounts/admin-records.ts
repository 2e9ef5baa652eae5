// What moderators see of accounts (Mastodon's Admin::Account): the account and, for local
// ones, its user — e-mail, role, state, sign-up reason and address, who invited them.
import type { Role } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { type AccountRow, getAccounts } from "./queries.ts";

export interface AdminUserFacts {
  email: string;
  role: Role;
  confirmed: boolean;
  approved: boolean;
  disabled: boolean;
  locale: string;
  signUpIp: string | null;
  signUpReason: string | null;
  createdAt: string;
  invitedByAccountId: string | null;
}

export interface AdminAccountRecord {
  account: AccountRow;
  /** null for remote accounts */
  user: AdminUserFacts | null;
}

export async function loadAdminAccounts(
  ctx: Context,
  ids: readonly string[],
): Promise<Map<string, AdminAccountRecord>> {
  const accounts = await getAccounts(ctx, ids);
  const users =
    accounts.size === 0
      ? []
      : await ctx.db.kysely
          .selectFrom("users")
          .leftJoin("invites", "invites.id", "users.invite_id")
          .select([
            "users.account_id",
            "users.email",
            "users.role",
            "users.confirmed_at",
            "users.approved",
            "users.disabled",
            "users.locale",
            "users.sign_up_ip",
            "users.sign_up_reason",
            "users.created_at",
            "invites.account_id as inviter",
          ])
          .where("users.account_id", "in", [...accounts.keys()])
          .execute();
  const byAccount = new Map(users.map((u) => [u.account_id, u]));
  const records = new Map<string, AdminAccountRecord>();
  for (const [id, account] of accounts) {
    const u = byAccount.get(id);
    records.set(id, {
      account,
      user: u
        ? {
            email: u.email,
            role: u.role,
            confirmed: u.confirmed_at !== null,
            approved: u.approved === 1,
            disabled: u.disabled === 1,
            locale: u.locale,
            signUpIp: u.sign_up_ip,
            signUpReason: u.sign_up_reason,
            createdAt: u.created_at,
            invitedByAccountId: u.inviter ?? null,
          }
        : null,
    });
  }
  return records;
}
