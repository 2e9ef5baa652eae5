// Posting a status: validation, rendering the text, mentions and tags, counters, the author's
// feed (in the same transaction), then fan-out and notifications once it is committed (with a
// job in the transaction as the fallback should the process die first: follow-up.ts).
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { isId, newId } from "../../db/ids.ts";
import type { Visibility } from "../../db/schema.ts";
import { type Context, inTransaction } from "../context.ts";
import { DomainError, validation } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import { attachMedia, checkMediaIds } from "../media/attach.ts";
import { checkPollRequest, type PollRequest } from "../polls/limits.ts";
import { insertLocalPoll } from "../polls/options.ts";
import { recordRuleActions } from "../rules/actions.ts";
import { addToAuthorFeed } from "../timelines/home-feed.ts";
import type { Viewer } from "../viewer.ts";
import { canSee } from "../visibility.ts";
import {
  applyInstanceRules,
  checkStatusText,
  chooseLanguage,
  renderStatusText,
} from "./compose.ts";
import { followUpNow, recordFollowUp, type StatusFollowUp } from "./follow-up.ts";
import { localStatusUris, type StatusRow } from "./queries.ts";
import { linkStatusTags } from "./tags.ts";

export const VISIBILITIES: readonly Visibility[] = ["public", "unlisted", "private", "direct"];
const IDEMPOTENCY_WINDOW_MS = 3600_000;

export interface NewStatus {
  text: string;
  spoilerText?: string;
  sensitive?: boolean;
  visibility?: Visibility;
  inReplyToId?: string | null;
  language?: string | null;
  mediaIds?: readonly string[];
  idempotencyKey?: string | null;
  applicationId?: string | null;
  poll?: PollRequest | null;
  /** Publishing this scheduled status: its row goes in the same transaction (scheduled.ts). */
  scheduledStatusId?: string;
}

export async function createStatus(
  ctx: Context,
  viewer: Viewer,
  input: NewStatus,
): Promise<StatusRow> {
  const { kysely } = ctx.db;
  const key = idempotencyKey(input.idempotencyKey);
  if (key) {
    const earlier = await findIdempotent(ctx, viewer.accountId, key);
    if (earlier) return earlier;
  }
  const media = await checkMediaIds(ctx, viewer, input.mediaIds ?? [], {
    scheduledStatusId: input.scheduledStatusId,
  });
  if (media.length > 0 && input.poll)
    throw validation("Validation failed: Cannot attach files to a status with a poll");
  const poll = input.poll ? checkPollRequest(input.poll) : null;

  const { text, spoilerText } = checkStatusText(ctx, input.text, input.spoilerText ?? "", {
    hasMedia: media.length > 0,
  });

  const user = await kysely
    .selectFrom("users")
    .select(["default_visibility", "default_sensitive", "default_language"])
    .where("id", "=", viewer.userId)
    .executeTakeFirstOrThrow();
  const visibility =
    input.visibility ??
    (VISIBILITIES.includes(user.default_visibility as Visibility)
      ? (user.default_visibility as Visibility)
      : "public");
  const language = chooseLanguage(input.language, user.default_language);

  const parent = input.inReplyToId
    ? await findReplyTarget(ctx, viewer, input.inReplyToId)
    : undefined;

  const rendered = await renderStatusText(ctx, text);
  const ruled = await applyInstanceRules(ctx, viewer, {
    text,
    spoilerText,
    language,
    rendered,
    visibility,
    sensitive: (input.sensitive ?? user.default_sensitive === 1) || spoilerText !== "",
    mediaDescriptions: media.map((m) => m.description ?? ""),
  });

  const id = newId();
  const now = new Date().toISOString();
  const { uri, url } = localStatusUris(ctx.config.origin, viewer.username, id, false);
  const row: StatusRow = {
    id,
    uri,
    url,
    account_id: viewer.accountId,
    local: 1,
    in_reply_to_id: parent?.id ?? null,
    in_reply_to_account_id: parent?.account_id ?? null,
    in_reply_to_uri: parent?.uri ?? null,
    reblog_of_id: null,
    thread_id: parent?.thread_id ?? id,
    content: rendered.html,
    text,
    spoiler_text: spoilerText,
    sensitive: ruled.sensitive ? 1 : 0,
    visibility: ruled.visibility,
    language,
    application_id: input.applicationId ?? null,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    created_at: now,
    edited_at: null,
    updated_at: now,
  };

  // Followers' feeds and the mentioned people's notifications, once committed (follow-up.ts).
  const followUp: StatusFollowUp = {
    statusId: id,
    notifications: rendered.mentions.map((recipientId) => ({
      type: "mention",
      recipientId,
      fromAccountId: viewer.accountId,
      statusId: id,
    })),
  };
  try {
    await inTransaction(ctx, async (tctx, trx) => {
      await trx.insertInto("statuses").values(row).execute();
      if (rendered.mentions.length > 0)
        await trx
          .insertInto("status_mentions")
          .values(rendered.mentions.map((account_id) => ({ status_id: id, account_id })))
          .execute();
      await linkStatusTags(tctx, id, rendered.tags);
      if (poll) await insertLocalPoll(tctx, id, viewer.accountId, poll);
      await attachMedia(tctx, id, media);
      await countNewStatus(tctx, row);
      await addToAuthorFeed(tctx, viewer.accountId, id);
      await recordRuleActions(
        tctx,
        ruled.records.map((r) => ({ ...r, statusId: id })),
      );
      if (input.scheduledStatusId) await takeScheduledStatus(tctx, input.scheduledStatusId);
      if (key) {
        await trx
          .insertInto("idempotency_keys")
          .values({ account_id: viewer.accountId, key, status_id: id, created_at: now })
          .execute();
      }
      await emitDomainEvent(tctx, { type: "status.created", statusId: id });
      await recordFollowUp(tctx, followUp, { ...row, tagged: rendered.tags.length > 0 });
    });
  } catch (error) {
    // The same key posted twice at once: the other request's status is the answer.
    if (key) {
      const earlier = await findIdempotent(ctx, viewer.accountId, key);
      if (earlier) return earlier;
    }
    throw error;
  }

  await followUpNow(ctx, followUp);
  return row;
}

/** The status `viewer` replies to, or Mastodon's 404 when it is gone, hidden or a reblog. */
export async function findReplyTarget(
  ctx: Context,
  viewer: Viewer,
  inReplyToId: string,
): Promise<StatusRow> {
  let parent = !isId(inReplyToId)
    ? undefined
    : await ctx.db.kysely
        .selectFrom("statuses")
        .selectAll()
        .where("id", "=", inReplyToId)
        .executeTakeFirst();
  if (parent?.reblog_of_id) parent = undefined; // reblogs cannot be replied to
  if (!parent || !(await canSee(ctx, viewer, parent)))
    throw new DomainError(
      "not_found",
      "The post you are trying to reply to does not appear to exist.",
    );
  return parent;
}

/** Removes the scheduled status being published; if it is already gone, nothing is posted. */
async function takeScheduledStatus(ctx: Context, id: string): Promise<void> {
  const deleted = await ctx.db.kysely
    .deleteFrom("scheduled_statuses")
    .where("id", "=", id)
    .executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0)
    throw new DomainError("gone", "The scheduled status was cancelled or already published");
}

/** Counters, as Mastodon keeps them: direct statuses count nowhere, and only public and
 * unlisted replies count on the parent (a private reply must not show through a number). */
export async function countNewStatus(ctx: Context, row: StatusRow, delta: 1 | -1 = 1) {
  const { kysely } = ctx.db;
  if (row.visibility !== "direct") {
    await kysely
      .updateTable("accounts")
      .set({
        statuses_count: sql`CASE WHEN statuses_count + ${delta} < 0 THEN 0 ELSE statuses_count + ${delta} END`,
        ...(delta > 0 ? { last_status_at: row.created_at } : {}),
      })
      .where("id", "=", row.account_id)
      .execute();
  }
  if (row.in_reply_to_id && (row.visibility === "public" || row.visibility === "unlisted")) {
    await bump(ctx, "replies_count", row.in_reply_to_id, delta);
  }
  if (row.reblog_of_id) await bump(ctx, "reblogs_count", row.reblog_of_id, delta);
}

export async function bump(
  ctx: Context,
  column: "replies_count" | "reblogs_count" | "favourites_count",
  statusId: string,
  delta: 1 | -1,
) {
  await ctx.db.kysely
    .updateTable("statuses")
    .set({
      [column]: sql`CASE WHEN ${sql.ref(column)} + ${delta} < 0 THEN 0 ELSE ${sql.ref(column)} + ${delta} END`,
    })
    .where("id", "=", statusId)
    .execute();
}

/** The key as stored: a long one by its SHA-256, as PostgreSQL's index takes ~2.7 kB at most. */
function idempotencyKey(raw: string | null | undefined): string | null {
  const key = raw?.trim() || null;
  if (!key || key.length <= 200) return key;
  return `sha256:${createHash("sha256").update(key).digest("hex")}`;
}

async function findIdempotent(
  ctx: Context,
  accountId: string,
  key: string,
): Promise<StatusRow | null> {
  const cutoff = new Date(Date.now() - IDEMPOTENCY_WINDOW_MS).toISOString();
  const earlier = await ctx.db.kysely
    .selectFrom("idempotency_keys")
    .leftJoin("statuses", "statuses.id", "idempotency_keys.status_id")
    .selectAll("statuses")
    .select("idempotency_keys.created_at as key_created_at")
    .where("idempotency_keys.account_id", "=", accountId)
    .where("idempotency_keys.key", "=", key)
    .executeTakeFirst();
  if (!earlier) return null;
  if (earlier.key_created_at > cutoff && earlier.id) {
    const { key_created_at: _, ...row } = earlier;
    return row as StatusRow;
  }
  // Expired, or its status is gone: the key is free again.
  await ctx.db.kysely
    .deleteFrom("idempotency_keys")
    .where("account_id", "=", accountId)
    .where("key", "=", key)
    .execute();
  return null;
}
