// Posting scheduled statuses on time: one delayed job per scheduled status in the durable jobs
// queue, due at its `scheduled_at`, keyed by the scheduled status so that moving or cancelling
// it replaces or removes the one job. Posting removes the scheduled row in the same transaction
// as it creates the status, under the idempotency key `scheduled:<id>`, so a job that runs twice
// (a lease that ran out, a retry) posts once.
import type { Db } from "../../db/database.ts";
import { enqueue } from "../../jobs/queue.ts";
import { logger } from "../../logging.ts";
import type { Context } from "../context.ts";
import { DomainError } from "../errors.ts";
import { loadViewer } from "../viewer.ts";
import { createStatus } from "./create.ts";
import type { ScheduledParams } from "./scheduled.ts";

export const SCHEDULED_STATUS_QUEUE = "scheduled-status";

const log = logger("scheduled-statuses");

const jobKey = (id: string) => `${SCHEDULED_STATUS_QUEUE}:${id}`;

export async function schedulePublishJob(db: Db, id: string, at: Date): Promise<void> {
  await enqueue(
    db,
    SCHEDULED_STATUS_QUEUE,
    { scheduledStatusId: id },
    {
      runAt: at,
      dedupeKey: jobKey(id),
    },
  );
}

export async function cancelPublishJob(db: Db, id: string): Promise<void> {
  await db.kysely
    .deleteFrom("jobs")
    .where("queue", "=", SCHEDULED_STATUS_QUEUE)
    .where("dedupe_key", "=", jobKey(id))
    .execute();
}

export async function publishScheduledStatusJob(ctx: Context, payload: unknown): Promise<void> {
  const { scheduledStatusId: id } = (payload ?? {}) as { scheduledStatusId?: unknown };
  if (typeof id !== "string") return;
  const row = await ctx.db.kysely
    .selectFrom("scheduled_statuses")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return; // cancelled, or posted by an earlier run
  // This process's clock runs behind the one that scheduled it: try again shortly.
  if (Date.parse(row.scheduled_at) > Date.now()) throw new Error(`${id} is not due yet`);
  const params = JSON.parse(row.params) as ScheduledParams;
  // The app it was scheduled from may have been deleted since (statuses keep a foreign key).
  const application = params.application_id
    ? await ctx.db.kysely
        .selectFrom("oauth_applications")
        .select("id")
        .where("id", "=", params.application_id)
        .executeTakeFirst()
    : undefined;
  try {
    const viewer = await loadViewer(ctx, row.account_id);
    await createStatus(ctx, viewer, {
      text: params.text,
      spoilerText: params.spoiler_text,
      sensitive: params.sensitive ?? undefined,
      visibility: params.visibility,
      inReplyToId: params.in_reply_to_id,
      language: params.language,
      applicationId: application?.id ?? null,
      poll: params.poll && {
        options: params.poll.options,
        expiresIn: params.poll.expires_in,
        multiple: params.poll.multiple,
        hideTotals: params.poll.hide_totals,
      },
      mediaIds: params.media_ids ?? [],
      idempotencyKey: `scheduled:${id}`,
      scheduledStatusId: id,
    });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error; // the database: retry
    if (error.kind === "gone") return; // cancelled while this ran
    // It can no longer be posted (as Mastodon, which drops it): the reply target is gone, the
    // account was disabled, the instance's limits changed.
    log.warn("Scheduled status {id} of {accountId} dropped: {error}", {
      id,
      accountId: row.account_id,
      error: error.message,
    });
    await ctx.db.kysely.deleteFrom("scheduled_statuses").where("id", "=", id).execute();
  }
}
