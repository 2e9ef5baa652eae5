// What a new status (local or received, original or reblog) needs once it is stored: the
// followers' home feeds, conversations (distributeStatus) and the notifications it causes.
//
// A small follow-up (at most IN_TRANSACTION_NOTIFICATIONS notifications; a fan-out to more than
// FAN_OUT_INLINE_LIMIT followers becomes a job of its own either way) is done inside the
// creating transaction: the status and everything it causes commit together or not at all, so
// a crash loses nothing and there is nothing to record. A larger one is "fast path + durable
// fallback": the creating transaction records the work as a job due a minute later (waking no
// worker: jobs/queue.ts); straight after the commit the work is done inline and the job deleted
// in the same transaction. A crash in between leaves the job, and a worker does the work then.
//
// So the job may run after (part of) the inline work: everything it does is idempotent.
// home_feed rows are inserted with ON CONFLICT DO NOTHING and only new ones streamed; a
// conversation skips a status it already holds; notify() makes no second notification of one
// (recipient, sender, type, status). The public streams are told inside the transaction (on
// PostgreSQL the NOTIFY goes out with the commit), so a re-run cannot repeat them.

import type { Config } from "../../config.ts";
import { enqueue } from "../../jobs/queue.ts";
import { logger } from "../../logging.ts";
import { type Context, inTransaction } from "../context.ts";
import { type NewNotification, notify } from "../notifications/notify.ts";
import { streamNewStatus } from "../streaming/publish.ts";
import { distributeStatus, type FanOutStatus } from "../timelines/home-feed.ts";

export const STATUS_FOLLOW_UP_QUEUE = "status-follow-up";
/** How long the fallback waits: well past any inline follow-up still running. */
export const FOLLOW_UP_DELAY_MS = 60_000;
/** Follow-ups that notify at most this many are done inside the creating transaction. */
export const IN_TRANSACTION_NOTIFICATIONS = 20;

export interface StatusFollowUp {
  statusId: string;
  notifications: NewNotification[];
}

const log = logger("statuses", "follow-up");

/**
 * Tests' stand-in for a crash after the commit: the Kiths of these configurations record every
 * follow-up as a job and skip the inline follow-up, leaving it to the job.
 */
export const skipInlineFollowUp = new WeakSet<Config>();

/** Follow-ups done inside their creating transactions: followUpNow has nothing left to do. */
const doneInTransaction = new WeakSet<StatusFollowUp>();

/**
 * Inside the creating transaction: streams the status to the public streams (on commit), then
 * does a small follow-up right there or records it as a job. `status` is the row just inserted.
 */
export async function recordFollowUp(
  tctx: Context,
  followUp: StatusFollowUp,
  status: FanOutStatus & { tagged: boolean },
): Promise<void> {
  await streamNewStatus(tctx, followUp.statusId);
  if (
    followUp.notifications.length <= IN_TRANSACTION_NOTIFICATIONS &&
    !skipInlineFollowUp.has(tctx.config)
  ) {
    await performFollowUp(tctx, followUp, status);
    doneInTransaction.add(followUp);
    return;
  }
  await enqueue(tctx.db, STATUS_FOLLOW_UP_QUEUE, followUp, {
    runAt: new Date(Date.now() + FOLLOW_UP_DELAY_MS),
    dedupeKey: dedupeKey(followUp.statusId),
  });
}

/** After the commit: the follow-up now, then its job is dropped. A failure leaves the job. */
export async function followUpNow(ctx: Context, followUp: StatusFollowUp): Promise<void> {
  if (doneInTransaction.has(followUp) || skipInlineFollowUp.has(ctx.config)) return;
  try {
    // One transaction, the job's deletion included: one commit rather than one per statement.
    await inTransaction(ctx, async (tctx, trx) => {
      await performFollowUp(tctx, followUp);
      await trx
        .deleteFrom("jobs")
        .where("queue", "=", STATUS_FOLLOW_UP_QUEUE)
        .where("dedupe_key", "=", dedupeKey(followUp.statusId))
        .execute();
    });
  } catch (error) {
    log.warn("Follow-up of status {statusId} failed; its job will do it: {error}", {
      statusId: followUp.statusId,
      error,
    });
  }
}

/** The job handler (jobs/registry.ts). */
export async function followUpJob(ctx: Context, payload: unknown): Promise<void> {
  const followUp = payload as Partial<StatusFollowUp> | null;
  if (typeof followUp?.statusId !== "string") return;
  await performFollowUp(ctx, {
    statusId: followUp.statusId,
    notifications: Array.isArray(followUp.notifications) ? followUp.notifications : [],
  });
}

async function performFollowUp(
  ctx: Context,
  followUp: StatusFollowUp,
  status?: FanOutStatus,
): Promise<void> {
  // A status deleted meanwhile needs nothing more (distributeStatus finds nothing either).
  await distributeStatus(ctx, followUp.statusId, status);
  for (const n of followUp.notifications) await notify(ctx, n);
}

function dedupeKey(statusId: string): string {
  return `follow-up:${statusId}`;
}
