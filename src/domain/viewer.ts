// The person a request speaks for. Visibility and permission checks take a Viewer (or null for
// someone not signed in), whichever surface the request came through.
import type { Role } from "../db/schema.ts";
import type { Context } from "./context.ts";
import { DomainError } from "./errors.ts";

export interface Viewer {
  accountId: string;
  userId: string;
  username: string;
  role: Role;
}

/** What a viewer is made from: the account and its login, with their states. */
export interface ViewerRow {
  id: string;
  username: string;
  suspended_at: string | null;
  user_id: string;
  role: Role;
  approved: number;
  disabled: number;
  confirmed_at: string | null;
}

/** A viewer of that row, refusing accounts that may not act (Mastodon's 403s). */
export function viewerFrom(row: ViewerRow | undefined): Viewer {
  if (!row) throw new DomainError("unauthorized", "The access token is invalid");
  if (row.suspended_at) throw new DomainError("forbidden", "Your login is currently disabled");
  if (row.disabled === 1) throw new DomainError("forbidden", "Your login is currently disabled");
  if (row.approved !== 1)
    throw new DomainError("forbidden", "Your login is currently pending approval");
  if (!row.confirmed_at)
    throw new DomainError("forbidden", "Your login is missing a confirmed e-mail address");
  return { accountId: row.id, userId: row.user_id, username: row.username, role: row.role };
}

/** Loads a local account as a viewer, refusing accounts that may not act. */
export async function loadViewer(ctx: Context, accountId: string): Promise<Viewer> {
  const row = await ctx.db.kysely
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .select([
      "accounts.id",
      "accounts.username",
      "accounts.suspended_at",
      "users.id as user_id",
      "users.role",
      "users.approved",
      "users.disabled",
      "users.confirmed_at",
    ])
    .where("accounts.id", "=", accountId)
    .executeTakeFirst();
  return viewerFrom(row);
}

export const isStaff = (viewer: Viewer | null) =>
  viewer?.role === "admin" || viewer?.role === "moderator";
