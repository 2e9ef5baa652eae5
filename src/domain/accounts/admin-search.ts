// The moderators' account list (Mastodon's AccountFilter, behind both versions of
// /api/…/admin/accounts): filters by origin, state, staff, role, inviter, username, display
// name, domain, e-mail and sign-up address; newest first in Mastodon's cursor pages.
import { sql } from "kysely";
import type { Role } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";
import { likeEscape } from "./search.ts";

export const ACCOUNT_STATES = [
  "active",
  "pending",
  "disabled",
  "silenced",
  "suspended",
  "sensitized",
] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export interface AdminAccountFilter {
  origin?: "local" | "remote";
  status?: AccountState;
  /** only admins and moderators */
  staff?: boolean;
  roles?: readonly Role[];
  invitedBy?: string;
  username?: string;
  displayName?: string;
  byDomain?: string;
  email?: string;
  ip?: string;
}

const lowerLike = (column: string, pattern: string) =>
  sql<boolean>`lower(${sql.ref(column)}) LIKE ${pattern} ESCAPE '\\'`;

/** The IDs of the accounts that match, one page of them. */
export async function listAdminAccountIds(
  ctx: Context,
  f: AdminAccountFilter,
  page: Page,
): Promise<string[]> {
  let q = ctx.db.kysely
    .selectFrom("accounts as a")
    .leftJoin("users as u", "u.account_id", "a.id")
    .select("a.id");
  if (f.origin === "local") q = q.where("a.domain", "is", null);
  if (f.origin === "remote") q = q.where("a.domain", "is not", null);
  switch (f.status) {
    case "active":
      // Not suspended, and a local account's sign-up was approved.
      q = q
        .where("a.suspended_at", "is", null)
        .where((eb) => eb.or([eb("u.id", "is", null), eb("u.approved", "=", 1)]));
      break;
    case "pending":
      q = q.where("u.approved", "=", 0);
      break;
    case "disabled":
      q = q.where("u.disabled", "=", 1).where("a.suspended_at", "is", null);
      break;
    case "silenced":
      q = q.where("a.silenced_at", "is not", null);
      break;
    case "suspended":
      q = q.where("a.suspended_at", "is not", null);
      break;
    case "sensitized":
      q = q.where("a.sensitized_at", "is not", null);
      break;
  }
  if (f.staff) q = q.where("u.role", "in", ["admin", "moderator"]);
  if (f.roles && f.roles.length > 0) q = q.where("u.role", "in", [...f.roles]);
  if (f.invitedBy)
    q = q.where("u.invite_id", "in", (eb) =>
      eb.selectFrom("invites").select("invites.id").where("invites.account_id", "=", f.invitedBy!),
    );
  // As Mastodon: username, domain and e-mail match from the start, display names anywhere.
  if (f.username) q = q.where(lowerLike("a.username", `${likeEscape(f.username.toLowerCase())}%`));
  if (f.displayName)
    q = q.where(lowerLike("a.display_name", `%${likeEscape(f.displayName.toLowerCase())}%`));
  if (f.byDomain)
    q = q.where(lowerLike("a.domain", `${likeEscape(f.byDomain.trim().toLowerCase())}%`));
  if (f.email) q = q.where(lowerLike("u.email", `${likeEscape(f.email.trim().toLowerCase())}%`));
  if (f.ip) q = q.where("u.sign_up_ip", "=", f.ip.trim());
  const rows = finishPage(await applyPage(q, "a.id", page).execute(), page);
  return rows.map((r) => r.id);
}
