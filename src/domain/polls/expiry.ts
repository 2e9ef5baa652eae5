// The end of a poll. A durable job runs at its end time: the author of a local poll and every
// local voter (of a local or a remote poll) get a `poll` notification, as in Mastodon, and a
// local poll's final tallies go out to other servers. A poll whose end moved (an edit, a remote
// Update) gets a job for the new time; the stale one then finds the poll still open and stops.
// Nobody is notified twice, however many jobs run (retries, moved ends).
import { enqueue } from "../../jobs/queue.ts";
import type { Context } from "../context.ts";
import { emitDomainEvent } from "../events.ts";
import { notify } from "../notifications/notify.ts";
import { findPoll, isExpired } from "./store.ts";

export const POLL_EXPIRY_QUEUE = "poll-expiry";

interface ExpiryPayload {
  pollId: string;
  expiresAt: string;
}

export async function schedulePollExpiry(
  ctx: Context,
  poll: { id: string; expiresAt: string | null },
): Promise<void> {
  if (!poll.expiresAt) return;
  const payload: ExpiryPayload = { pollId: poll.id, expiresAt: poll.expiresAt };
  await enqueue(ctx.db, POLL_EXPIRY_QUEUE, payload, {
    runAt: new Date(poll.expiresAt),
    dedupeKey: `${POLL_EXPIRY_QUEUE}:${poll.id}:${poll.expiresAt}`,
  });
}

export async function pollExpiryJob(ctx: Context, payload: unknown): Promise<void> {
  const { pollId, expiresAt } = (payload ?? {}) as Partial<ExpiryPayload>;
  if (typeof pollId !== "string" || typeof expiresAt !== "string") return;
  const poll = await findPoll(ctx, pollId);
  if (!poll) return;
  if (!isExpired(poll)) {
    if (poll.expiresAt !== expiresAt) return; // moved later: its own job will come
    // This process's clock runs ahead of the one that scheduled it: try again shortly.
    throw new Error(`poll ${pollId} has not ended yet`);
  }
  const { kysely } = ctx.db;
  const author = await kysely
    .selectFrom("accounts")
    .select("domain")
    .where("id", "=", poll.accountId)
    .executeTakeFirst();
  if (!author) return;
  const voters = await kysely
    .selectFrom("poll_votes")
    .innerJoin("accounts", "accounts.id", "poll_votes.account_id")
    .select("poll_votes.account_id")
    .distinct()
    .where("poll_votes.poll_id", "=", poll.id)
    .where("accounts.domain", "is", null)
    .execute();
  const recipients = new Set(voters.map((v) => v.account_id));
  if (author.domain === null) recipients.add(poll.accountId);
  // A retried job must not notify twice.
  const already = new Set(
    (
      await kysely
        .selectFrom("notifications")
        .select("account_id")
        .where("type", "=", "poll")
        .where("status_id", "=", poll.statusId)
        .execute()
    ).map((n) => n.account_id),
  );
  for (const recipientId of recipients) {
    if (already.has(recipientId)) continue;
    await notify(ctx, {
      type: "poll",
      recipientId,
      fromAccountId: poll.accountId,
      statusId: poll.statusId,
    });
  }
  if (author.domain === null && !already.has(poll.accountId))
    await emitDomainEvent(ctx, { type: "poll.updated", statusId: poll.statusId });
}
