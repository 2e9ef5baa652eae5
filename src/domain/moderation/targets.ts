// Whom a moderator may act on. The permission bit comes first (Mastodon's AccountPolicy and
// UserPolicy), then rank: staff act only on accounts whose role is below their own, so a
// moderator cannot suspend an admin, nor an admin another admin (Mastodon's
// `UserRole#overrides?`). Remote accounts have no role. The operator (null) may do anything.
import type { Role } from "../../db/schema.ts";
import { type AccountRow, getAccount } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { forbidden } from "../errors.ts";
import type { Viewer } from "../viewer.ts";
import { type Permission, requirePermission } from "./permissions.ts";

const RANK: Record<Role, number> = { user: 0, moderator: 1, admin: 2 };

export interface ModerationTarget {
  account: AccountRow;
  /** null for remote accounts (and local ones whose data were purged) */
  user: { id: string; role: Role; approved: boolean; disabled: boolean } | null;
}

export async function loadModerationTarget(
  ctx: Context,
  accountId: string,
): Promise<ModerationTarget> {
  const account = await getAccount(ctx, accountId);
  const user = await ctx.db.kysely
    .selectFrom("users")
    .select(["id", "role", "approved", "disabled"])
    .where("account_id", "=", account.id)
    .executeTakeFirst();
  return {
    account,
    user: user
      ? {
          id: user.id,
          role: user.role,
          approved: user.approved === 1,
          disabled: user.disabled === 1,
        }
      : null,
  };
}

/** The target, if `by` holds `permission` and outranks it; else Mastodon's 403. */
export async function mayModerate(
  ctx: Context,
  by: Viewer | null,
  permission: Permission,
  accountId: string,
): Promise<ModerationTarget> {
  if (by) requirePermission(by, permission);
  const target = await loadModerationTarget(ctx, accountId);
  if (by && target.user && RANK[by.role] <= RANK[target.user.role]) throw forbidden();
  return target;
}
