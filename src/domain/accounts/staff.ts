// Who moderates: admins and moderators (Mastodon's Manage Reports permission, which both of
// Kith's staff roles hold). They are told of new sign-ups and reports, and only they may read
// and handle the report queue.
import type { Context } from "../context.ts";
import { forbidden } from "../errors.ts";
import { isStaff, type Viewer } from "../viewer.ts";

/** Accounts of active staff: admins and moderators whose login works. */
export async function staffAccountIds(ctx: Context): Promise<string[]> {
  const rows = await ctx.db.kysely
    .selectFrom("users")
    .innerJoin("accounts", "accounts.id", "users.account_id")
    .select("users.account_id")
    .where("users.role", "in", ["admin", "moderator"])
    .where("users.disabled", "=", 0)
    .where("accounts.suspended_at", "is", null)
    .orderBy("users.account_id")
    .execute();
  return rows.map((r) => r.account_id);
}

/** The viewer, if they may handle reports; else Mastodon's 403. */
export function requireModerator(viewer: Viewer): Viewer {
  if (!isStaff(viewer)) throw forbidden();
  return viewer;
}
