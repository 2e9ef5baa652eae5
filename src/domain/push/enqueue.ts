// A new notification becomes one durable job per subscription that wants its type, written
// with the notification (in its transaction, when there is one): the request that caused it
// is not slowed by push services, a crash loses no push, and each subscription is retried on
// its own.
import { enqueueMany } from "../../jobs/queue.ts";
import type { Context } from "../context.ts";

export const PUSH_QUEUE = "push";

export interface PushJob {
  subscriptionId: string;
  notificationId: string;
}

/** Mastodon retries a push 5 times; with the queue's backoff that is about four minutes. */
const MAX_ATTEMPTS = 8;

export async function queuePushes(
  ctx: Context,
  n: { id: string; type: string; recipientId: string },
): Promise<void> {
  const subscriptions = await ctx.db.kysely
    .selectFrom("web_push_subscriptions")
    .select(["id", "alerts"])
    .where("account_id", "=", n.recipientId)
    .execute();
  const jobs: PushJob[] = subscriptions
    .filter((s) => (JSON.parse(s.alerts) as Record<string, boolean>)[n.type] === true)
    .map((s) => ({ subscriptionId: s.id, notificationId: n.id }));
  await enqueueMany(ctx.db, PUSH_QUEUE, jobs, { maxAttempts: MAX_ATTEMPTS });
}
