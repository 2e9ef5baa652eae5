// Periodic clean-up that keeps the database from growing without bound.
import { DEAD_PREFIX } from "../jobs/queue.ts";
import type { Context } from "./context.ts";

const DEAD_JOB_RETENTION_MS = 14 * 86_400_000;

export async function housekeeping(
  ctx: Context,
): Promise<{ deadJobsRemoved: number; expiredMutesRemoved: number }> {
  const now = Date.now();
  const cutoff = new Date(now - DEAD_JOB_RETENTION_MS).toISOString();
  const result = await ctx.db.kysely
    .deleteFrom("jobs")
    .where("queue", "like", `${DEAD_PREFIX}%`)
    .where("run_at", "<", cutoff)
    .executeTakeFirst();
  // Readers ignore expired mutes already; this only drops the rows.
  const mutes = await ctx.db.kysely
    .deleteFrom("mutes")
    .where("expires_at", "<=", new Date(now).toISOString())
    .executeTakeFirst();
  return {
    deadJobsRemoved: Number(result.numDeletedRows),
    expiredMutesRemoved: Number(mutes.numDeletedRows),
  };
}
