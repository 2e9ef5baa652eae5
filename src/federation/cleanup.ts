// Periodic clean-up for federation storage, run by the worker (src/jobs/registry.ts): expired
// key–value entries, and dead Fedify messages, which hold private keys and so are kept only
// long enough for an operator to notice them.

import type { Context } from "../domain/context.ts";
import { DEAD_PREFIX } from "../jobs/queue.ts";
import { sweepExpiredKv } from "./kv-store.ts";
import { FEDIFY_QUEUE } from "./message-queue.ts";

export const FEDERATION_CLEANUP_QUEUE = "federation-cleanup";
const DEAD_MESSAGE_RETENTION_MS = 3 * 86_400_000;

export async function federationCleanup(
  ctx: Context,
): Promise<{ expiredKv: number; deadMessages: number }> {
  const expiredKv = await sweepExpiredKv(ctx.db);
  const cutoff = new Date(Date.now() - DEAD_MESSAGE_RETENTION_MS).toISOString();
  const result = await ctx.db.kysely
    .deleteFrom("jobs")
    .where("queue", "=", `${DEAD_PREFIX}${FEDIFY_QUEUE}`)
    .where("run_at", "<", cutoff)
    .executeTakeFirst();
  return { expiredKv, deadMessages: Number(result.numDeletedRows) };
}
