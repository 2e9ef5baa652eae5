// Figures about this instance for the instance API and NodeInfo, counted from the database:
// statistics, the contact account, known peers and weekly activity.
import { sql } from "kysely";
import { idAtTime } from "../db/ids.ts";
import type { AccountRow } from "./accounts/queries.ts";
import type { Context } from "./context.ts";
import { policyFor } from "./moderation/domain-policy.ts";

export interface InstanceStats {
  userCount: number;
  statusCount: number;
  domainCount: number;
  activeMonth: number;
}

export async function instanceStats(ctx: Context): Promise<InstanceStats> {
  const { kysely } = ctx.db;
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const local = await kysely
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .select([
      (eb) => eb.fn.countAll().as("users"),
      (eb) => eb.fn.coalesce(eb.fn.sum("accounts.statuses_count"), sql<number>`0`).as("statuses"),
      (eb) =>
        eb.fn
          .sum(sql<number>`CASE WHEN users.last_sign_in_at >= ${monthAgo} THEN 1 ELSE 0 END`)
          .as("active"),
    ])
    .where("accounts.suspended_at", "is", null)
    .where("users.approved", "=", 1)
    .executeTakeFirstOrThrow();
  const domains = await kysely
    .selectFrom("accounts")
    .select((eb) => eb.fn.count("domain").distinct().as("n"))
    .where("domain", "is not", null)
    .executeTakeFirstOrThrow();
  return {
    userCount: Number(local.users),
    statusCount: Number(local.statuses),
    domainCount: Number(domains.n),
    activeMonth: Number(local.active ?? 0),
  };
}

/**
 * The account shown as the instance's contact: the first admin who may be seen (approved,
 * confirmed, not suspended or disabled), or null while there is none.
 */
export async function contactAccount(ctx: Context): Promise<AccountRow | null> {
  const row = await ctx.db.kysely
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .selectAll("accounts")
    .where("users.role", "=", "admin")
    .where("users.approved", "=", 1)
    .where("users.disabled", "=", 0)
    .where("users.confirmed_at", "is not", null)
    .where("accounts.suspended_at", "is", null)
    .orderBy("users.created_at")
    .orderBy("users.id")
    .executeTakeFirst();
  return row ?? null;
}

/** The domains this instance knows accounts on (Mastodon's peers); empty before federation. */
export async function knownPeers(ctx: Context): Promise<string[]> {
  const rows = await ctx.db.kysely
    .selectFrom("accounts")
    .select("domain")
    .distinct()
    .where("domain", "is not", null)
    .orderBy("domain")
    .execute();
  // Blocked servers are not listed (as in Mastodon), nor, in allowlist mode, others.
  const peers: string[] = [];
  for (const { domain } of rows) {
    if (!domain) continue;
    const policy = await policyFor(ctx, domain);
    if (policy.federates && !policy.block) peers.push(domain);
  }
  return peers;
}

export interface ActivityWeek {
  /** Midnight UTC on the first day of the week. */
  weekStart: Date;
  statuses: number;
  logins: number;
  registrations: number;
}

const DAY_MS = 86_400_000;
export const ACTIVITY_WEEKS = 12;

/**
 * Local activity in 7-day buckets, newest first, the first one starting today (as Mastodon's
 * /api/v1/instance/activity). Counted from the database: local statuses (reblogs excluded),
 * registrations of local users, and distinct local accounts that signed in, through the web or
 * by authorising an app. Kith keeps only the latest sign-in per user and sessions until they
 * end, so older weeks' logins are a lower bound.
 */
export async function weeklyActivity(ctx: Context, now = new Date()): Promise<ActivityWeek[]> {
  const { kysely } = ctx.db;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const weeks: ActivityWeek[] = [];
  for (let i = 0; i < ACTIVITY_WEEKS; i++) {
    const start = new Date(today - i * 7 * DAY_MS);
    const end = new Date(start.getTime() + 7 * DAY_MS);
    const [from, to] = [start.toISOString(), end.toISOString()];
    // Status IDs carry their creation time, so the primary key answers the range.
    const statuses = await kysely
      .selectFrom("statuses")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("id", ">=", idAtTime(start))
      .where("id", "<", idAtTime(end))
      .where("local", "=", 1)
      .where("reblog_of_id", "is", null)
      .executeTakeFirstOrThrow();
    const registrations = await kysely
      .selectFrom("users")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("created_at", ">=", from)
      .where("created_at", "<", to)
      .executeTakeFirstOrThrow();
    const signIns = kysely
      .selectFrom("users")
      .select("account_id")
      .where("last_sign_in_at", ">=", from)
      .where("last_sign_in_at", "<", to)
      .union(
        kysely
          .selectFrom("web_sessions")
          .select("account_id")
          .where("created_at", ">=", from)
          .where("created_at", "<", to),
      )
      .union(
        kysely
          .selectFrom("oauth_tokens")
          .select(sql<string>`account_id`.as("account_id"))
          .where("account_id", "is not", null)
          .where("created_at", ">=", from)
          .where("created_at", "<", to),
      );
    const logins = await kysely
      .selectFrom(signIns.as("sign_ins"))
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    weeks.push({
      weekStart: start,
      statuses: Number(statuses.n),
      logins: Number(logins.n),
      registrations: Number(registrations.n),
    });
  }
  return weeks;
}
