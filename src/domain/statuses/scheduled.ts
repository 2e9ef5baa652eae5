// Scheduled statuses, as Mastodon's: `POST /api/v1/statuses` with a `scheduled_at` at least five
// minutes ahead stores what to post instead of posting it, checked as a status would be now
// (text, poll, language, reply target), within Mastodon's limits (300 pending per account, 25
// for one UTC day). A durable delayed job posts it on time (scheduled-publish.ts); the row and
// its job are written, moved and removed together, so a restart loses nothing.
import type { Selectable } from "kysely";
import type { Db } from "../../db/database.ts";
import { isId, newId } from "../../db/ids.ts";
import type { ScheduledStatusesTable, Visibility } from "../../db/schema.ts";
import { type Context, inTransaction } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import { checkMediaIds } from "../media/attach.ts";
import type { MediaRow } from "../media/queries.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";
import { checkPollRequest } from "../polls/limits.ts";
import type { Viewer } from "../viewer.ts";
import { checkStatusText, chooseLanguage } from "./compose.ts";
import { findReplyTarget, type NewStatus, VISIBILITIES } from "./create.ts";
import { cancelPublishJob, schedulePublishJob } from "./scheduled-jobs.ts";

export const SCHEDULED_LIMITS = { total: 300, daily: 25, minimumOffsetMs: 5 * 60_000 } as const;

/** What will be posted, stored as JSON in Mastodon's names (the entity shows it as `params`). */
export interface ScheduledParams {
  text: string;
  spoiler_text: string;
  sensitive: boolean | null;
  visibility: Visibility;
  language: string | null;
  in_reply_to_id: string | null;
  poll: { options: string[]; expires_in: number; multiple: boolean; hide_totals: boolean } | null;
  media_ids: string[] | null;
  application_id: string | null;
  idempotency: string | null;
  with_rate_limit: false;
}

export interface ScheduledStatus {
  id: string;
  accountId: string;
  scheduledAt: string;
  params: ScheduledParams;
  /** the attachments it will be posted with */
  media: MediaRow[];
}

type Row = Selectable<ScheduledStatusesTable>;

const toScheduled = (row: Row): ScheduledStatus => ({
  id: row.id,
  accountId: row.account_id,
  scheduledAt: row.scheduled_at,
  params: JSON.parse(row.params) as ScheduledParams,
  media: [],
});

/** The scheduled statuses with their media (one query). */
async function withMedia(ctx: Context, list: ScheduledStatus[]): Promise<ScheduledStatus[]> {
  if (!list.some((s) => s.params.media_ids?.length)) return list;
  const rows = await ctx.db.kysely
    .selectFrom("media_attachments")
    .selectAll()
    .where(
      "scheduled_status_id",
      "in",
      list.map((s) => s.id),
    )
    .execute();
  return list.map((s) => ({
    ...s,
    media: (s.params.media_ids ?? []).flatMap((id) => rows.find((r) => r.id === id) ?? []),
  }));
}

/**
 * When a status asked for at `scheduledAt` is to be posted: null for now (a time already past
 * posts at once, as Mastodon does), else the time, which must be five minutes ahead or more.
 */
export function scheduledTime(scheduledAt: string, now = Date.now()): Date | null {
  const time = parseTime(scheduledAt);
  if (time.getTime() <= now) return null;
  if (time.getTime() <= now + SCHEDULED_LIMITS.minimumOffsetMs)
    throw validation("Validation failed: Scheduled at The scheduled date must be in the future");
  return time;
}

function parseTime(value: string): Date {
  // ISO 8601 as clients send it; Date.parse alone would take "1" or "March 5".
  const time = /^\d{4}-\d{2}-\d{2}T/.test(value.trim()) ? new Date(value.trim()) : null;
  if (!time || Number.isNaN(time.getTime()))
    throw validation("Validation failed: Scheduled at is not a valid date");
  return time;
}

/** Checks `input` as a status to post and stores it for `at` (from `scheduledTime`). */
export async function scheduleStatus(
  ctx: Context,
  viewer: Viewer,
  input: NewStatus,
  at: Date,
): Promise<ScheduledStatus> {
  const key = input.idempotencyKey?.trim() || null;
  if (key) {
    const earlier = await findIdempotent(ctx, viewer.accountId, key);
    if (earlier) return earlier;
  }
  const media = await checkMediaIds(ctx, viewer, input.mediaIds ?? []);
  if (media.length > 0 && input.poll)
    throw validation("Validation failed: Cannot attach files to a status with a poll");
  const { text, spoilerText } = checkStatusText(ctx, input.text, input.spoilerText ?? "", {
    hasMedia: media.length > 0,
  });
  // Checked now for a quick answer; the poll's end counts from when it is posted.
  if (input.poll) checkPollRequest(input.poll, at);
  const user = await ctx.db.kysely
    .selectFrom("users")
    .select(["default_visibility", "default_language"])
    .where("id", "=", viewer.userId)
    .executeTakeFirstOrThrow();
  const language = chooseLanguage(input.language, user.default_language);
  if (input.inReplyToId) await findReplyTarget(ctx, viewer, input.inReplyToId);
  const params: ScheduledParams = {
    text,
    spoiler_text: spoilerText,
    sensitive: input.sensitive ?? null,
    visibility:
      input.visibility ??
      (VISIBILITIES.includes(user.default_visibility as Visibility)
        ? (user.default_visibility as Visibility)
        : "public"),
    language,
    in_reply_to_id: input.inReplyToId ?? null,
    poll: input.poll
      ? {
          options: input.poll.options.map((o) => String(o).trim()).filter((o) => o !== ""),
          expires_in: Number.parseInt(String(input.poll.expiresIn ?? ""), 10),
          multiple: input.poll.multiple === true,
          hide_totals: input.poll.hideTotals === true,
        }
      : null,
    media_ids: media.length > 0 ? media.map((m) => m.id) : null,
    application_id: input.applicationId ?? null,
    idempotency: key,
    with_rate_limit: false,
  };
  const row: Row = {
    id: newId(),
    account_id: viewer.accountId,
    scheduled_at: at.toISOString(),
    params: JSON.stringify(params),
    created_at: new Date().toISOString(),
  };
  await inTransaction(ctx, async ({ db }, trx) => {
    await checkLimits(db, viewer.accountId, row.scheduled_at, null);
    await trx.insertInto("scheduled_statuses").values(row).execute();
    // Held for it, so that the unattached-media clean-up leaves them alone.
    if (media.length > 0)
      await trx
        .updateTable("media_attachments")
        .set({ scheduled_status_id: row.id })
        .where(
          "id",
          "in",
          media.map((m) => m.id),
        )
        .execute();
    await schedulePublishJob(db, row.id, at);
  });
  return { ...toScheduled(row), media };
}

/**
 * The status this account scheduled with the same Idempotency-Key within the hour, if it is
 * still pending (a client retrying a request whose answer it lost), as Mastodon answers it.
 */
async function findIdempotent(
  ctx: Context,
  accountId: string,
  key: string,
): Promise<ScheduledStatus | null> {
  // At most 300 pending per account, so reading their params is cheap.
  const rows = await ctx.db.kysely
    .selectFrom("scheduled_statuses")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("created_at", ">", new Date(Date.now() - 3600_000).toISOString())
    .execute();
  const found = rows.map(toScheduled).find((s) => s.params.idempotency === key);
  return found ?? null;
}

/** Mastodon's limits: 300 pending in all, 25 on one (UTC) day. */
async function checkLimits(db: Db, accountId: string, at: string, exceptId: string | null) {
  const count = async (day: boolean) => {
    let q = db.kysely
      .selectFrom("scheduled_statuses")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("account_id", "=", accountId);
    if (exceptId) q = q.where("id", "!=", exceptId);
    if (day) {
      const start = `${at.slice(0, 10)}T00:00:00.000Z`;
      const end = new Date(Date.parse(start) + 86_400_000).toISOString();
      q = q.where("scheduled_at", ">=", start).where("scheduled_at", "<", end);
    }
    return Number((await q.executeTakeFirst())?.n ?? 0);
  };
  if ((await count(false)) >= SCHEDULED_LIMITS.total)
    throw validation(
      `Validation failed: You have exceeded the limit of ${SCHEDULED_LIMITS.total} scheduled posts`,
    );
  if ((await count(true)) >= SCHEDULED_LIMITS.daily)
    throw validation(
      `Validation failed: You have exceeded the limit of ${SCHEDULED_LIMITS.daily} scheduled posts for today`,
    );
}

/** The viewer's scheduled statuses, paged by ID (newest first), as Mastodon pages them. */
export async function listScheduledStatuses(
  ctx: Context,
  viewer: Viewer,
  page: Page,
): Promise<ScheduledStatus[]> {
  const q = ctx.db.kysely
    .selectFrom("scheduled_statuses")
    .selectAll()
    .where("account_id", "=", viewer.accountId);
  const rows = finishPage(await applyPage(q, "id", page).execute(), page);
  return withMedia(ctx, rows.map(toScheduled));
}

async function ownRow(db: Db, viewer: Viewer, id: string): Promise<Row> {
  if (!isId(id)) throw notFound();
  const row = await db.kysely
    .selectFrom("scheduled_statuses")
    .selectAll()
    .where("id", "=", id)
    .where("account_id", "=", viewer.accountId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function getScheduledStatus(
  ctx: Context,
  viewer: Viewer,
  id: string,
): Promise<ScheduledStatus> {
  return (await withMedia(ctx, [toScheduled(await ownRow(ctx.db, viewer, id))]))[0]!;
}

/** Moves a scheduled status to another time (five minutes ahead or more); its job moves too. */
export async function rescheduleStatus(
  ctx: Context,
  viewer: Viewer,
  id: string,
  scheduledAt: string,
): Promise<ScheduledStatus> {
  const at = parseTime(scheduledAt);
  if (at.getTime() <= Date.now() + SCHEDULED_LIMITS.minimumOffsetMs)
    throw validation("Validation failed: Scheduled at The scheduled date must be in the future");
  return inTransaction(ctx, async ({ db }, trx) => {
    const row = await ownRow(db, viewer, id);
    await checkLimits(db, viewer.accountId, at.toISOString(), row.id);
    const updated = await trx
      .updateTable("scheduled_statuses")
      .set({ scheduled_at: at.toISOString() })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw notFound(); // published or cancelled meanwhile
    await cancelPublishJob(db, row.id);
    await schedulePublishJob(db, row.id, at);
    return toScheduled(updated);
  }).then(async (s) => (await withMedia(ctx, [s]))[0]!);
}

/** Cancels a scheduled status and its job. */
export async function cancelScheduledStatus(
  ctx: Context,
  viewer: Viewer,
  id: string,
): Promise<void> {
  await inTransaction(ctx, async ({ db }, trx) => {
    const row = await ownRow(db, viewer, id);
    await trx.deleteFrom("scheduled_statuses").where("id", "=", row.id).execute();
    await cancelPublishJob(db, row.id);
  });
}
