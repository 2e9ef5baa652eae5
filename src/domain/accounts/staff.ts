// Who moderates: admins and moderators. They are told of new sign-ups and reports; what each
// may do is moderation/permissions.ts.
import type { Context } from "../context.ts";

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
