// Figures about this instance for the instance API and NodeInfo, counted from the database.
import { sql } from "kysely";
import type { Context } from "./context.ts";

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
