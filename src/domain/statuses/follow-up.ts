// What a new status (local or received, original or reblog) needs once it is committed: the
// followers' home feeds, conversations (distributeStatus) and the notifications it causes.
// "Fast path + durable fallback": the creating transaction records that work as a job due a
// minute later (waking no worker: jobs/queue.ts); straight after the commit the work is done
// inline, as the API always did, and the job deleted in the same transaction. A crash in between leaves the job, and a worker does the work then.
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
import { distributeStatus } from "../timelines/home-feed.ts";

export const STATUS_FOLLOW_UP_QUEUE = "status-follow-up";
/** How long the fallback waits: well past any inline follow-up still running. */
export const FOLLOW_UP_DELAY_MS = 60_000;

export interface StatusFollowUp {
  statusId: string;
  notifications: NewNotification[];
}

const log = logger("statuses", "follow-up");

/**
 * Tests' stand-in for a crash after the commit: the Kiths of these configurations skip the
 * inline follow-up, leaving it to the job.
 */
export const skipInlineFollowUp = new WeakSet<Config>();

/** Inside the creating transaction: streams the status to the public streams (on commit) and
 * records the follow-up job. */
export async function recordFollowUp(tctx: Context, followUp: StatusFollowUp): Promise<void> {
  await streamNewStatus(tctx, followUp.statusId);
  await enqueue(tctx.db, STATUS_FOLLOW_UP_QUEUE, followUp, {
    runAt: new Date(Date.now() + FOLLOW_UP_DELAY_MS),
    dedupeKey: dedupeKey(followUp.statusId),
  });
}

/** After the commit: the follow-up now, then its job is dropped. A failure leaves the job. */
export async function followUpNow(ctx: Context, followUp: StatusFollowUp): Promise<void> {
  if (skipInlineFollowUp.has(ctx.config)) return;
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

async function performFollowUp(ctx: Context, followUp: StatusFollowUp): Promise<void> {
  // A status deleted meanwhile needs nothing more (distributeStatus finds nothing either).
  await distributeStatus(ctx, followUp.statusId);
  for (const n of followUp.notifications) await notify(ctx, n);
}

function dedupeKey(statusId: string): string {
  return `follow-up:${statusId}`;
}
