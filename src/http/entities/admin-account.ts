// The Admin::Account entity: an account as moderators see it. Remote accounts have no user, so
// their e-mail, address and locale are null, as in Mastodon; their role is the base role.
import type { Config } from "../../config.ts";
import type { AdminAccountRecord } from "../../domain/accounts/admin-records.ts";
import { roleInfo } from "../../domain/accounts/roles.ts";
import { renderAccount } from "./account.ts";

export function renderAdminAccount(config: Config, record: AdminAccountRecord) {
  const { account, user } = record;
  const out: Record<string, unknown> = {
    id: account.id,
    username: account.username,
    domain: account.domain,
    created_at: account.created_at,
    email: user?.email ?? null,
    ip: user?.signUpIp ?? null,
    ips: user?.signUpIp ? [{ ip: user.signUpIp, used_at: user.createdAt }] : [],
    locale: user?.locale ?? null,
    invite_request: user?.signUpReason ?? null,
    role: roleInfo(user?.role ?? "user"),
    confirmed: user?.confirmed ?? false,
    approved: user?.approved ?? false,
    disabled: user?.disabled ?? false,
    silenced: account.silenced_at !== null,
    suspended: account.suspended_at !== null,
    sensitized: account.sensitized_at !== null,
    account: renderAccount(config, account),
  };
  if (user?.invitedByAccountId) out.invited_by_account_id = user.invitedByAccountId;
  return out;
}
