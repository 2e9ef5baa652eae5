// How much this instance is used, for NodeInfo: local users, those active in the last month
// and half year, and local posts. Counted from the database on each call.
import { sql } from "kysely";
import type { Context } from "./context.ts";

export interface InstanceUsage {
  users: number;
  activeMonth: number;
  activeHalfyear: number;
  /** Local statuses, reblogs excluded. */
  localPosts: number;
}

const DAY_MS = 86_400_000;

/**
 * Users count when others can see them (approved, confirmed, not suspended). A user is active
 * in a period when they signed in, opened a web session or authorised an app in it, or posted
 * in it: what Kith records of use (it keeps no per-request log).
 */
export async function instanceUsage(ctx: Context, now = new Date()): Promise<InstanceUsage> {
  const { kysely } = ctx.db;
  const month = new Date(now.getTime() - 30 * DAY_MS).toISOString();
  const halfYear = new Date(now.getTime() - 180 * DAY_MS).toISOString();
  const lastSeen = sql<string | null>`(SELECT max(t) FROM (
      SELECT users.last_sign_in_at AS t
      UNION ALL SELECT max(created_at) FROM web_sessions WHERE account_id = accounts.id
      UNION ALL SELECT max(coalesce(last_used_at, created_at)) FROM oauth_tokens WHERE account_id = accounts.id
      UNION ALL SELECT accounts.last_status_at
    ) seen)`;
  const users = await kysely
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .select([
      (eb) => eb.fn.countAll().as("total"),
      sql<number>`sum(CASE WHEN ${lastSeen} >= ${month} THEN 1 ELSE 0 END)`.as("month"),
      sql<number>`sum(CASE WHEN ${lastSeen} >= ${halfYear} THEN 1 ELSE 0 END)`.as("half"),
    ])
    .where("accounts.domain", "is", null)
    .where("accounts.suspended_at", "is", null)
    .where("users.approved", "=", 1)
    .where("users.confirmed_at", "is not", null)
    .executeTakeFirstOrThrow();
  const posts = await kysely
    .selectFrom("statuses")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("local", "=", 1)
    .where("reblog_of_id", "is", null)
    .executeTakeFirstOrThrow();
  return {
    users: Number(users.total),
    activeMonth: Number(users.month ?? 0),
    activeHalfyear: Number(users.half ?? 0),
    localPosts: Number(posts.n),
  };
}
