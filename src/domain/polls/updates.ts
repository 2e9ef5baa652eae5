// New tallies of a local poll go out to other servers as an Update of its Question, at most
// once per few minutes per poll however many votes come in (Mastodon waits three minutes too):
// one delayed job per poll, queued with a dedupe key while none is pending.
import { enqueue } from "../../jobs/queue.ts";
import type { Context } from "../context.ts";
import { emitDomainEvent } from "../events.ts";

export const POLL_UPDATE_QUEUE = "poll-update";
export const POLL_UPDATE_DELAY_MS = 3 * 60_000;

export async function schedulePollUpdate(ctx: Context, statusId: string): Promise<void> {
  await enqueue(
    ctx.db,
    POLL_UPDATE_QUEUE,
    { statusId },
    {
      runAt: new Date(Date.now() + POLL_UPDATE_DELAY_MS),
      dedupeKey: `${POLL_UPDATE_QUEUE}:${statusId}`,
    },
  );
}

export async function pollUpdateJob(ctx: Context, payload: unknown): Promise<void> {
  const statusId = (payload as { statusId?: unknown } | null)?.statusId;
  if (typeof statusId !== "string") return;
  // The outbox turns it into an Update(Question) with the tallies as they are now.
  await emitDomainEvent(ctx, { type: "poll.updated", statusId });
}
