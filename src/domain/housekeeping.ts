// Periodic clean-up that keeps the database from growing without bound.
import { DEAD_PREFIX } from "../jobs/queue.ts";
import type { Context } from "./context.ts";

const DEAD_JOB_RETENTION_MS = 14 * 86_400_000;

export async function housekeeping(ctx: Context): Promise<{ deadJobsRemoved: number }> {
  const cutoff = new Date(Date.now() - DEAD_JOB_RETENTION_MS).toISOString();
  const result = await ctx.db.kysely
    .deleteFrom("jobs")
    .where("queue", "like", `${DEAD_PREFIX}%`)
    .where("run_at", "<", cutoff)
    .executeTakeFirst();
  return { deadJobsRemoved: Number(result.numDeletedRows) };
}
