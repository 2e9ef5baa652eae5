// Home feeds are written at post time ("fan-out on write", as Mastodon): one home_feed row per
// (reader, status). Reading a home timeline is then one index range scan on the reader's rows.
//
// Who gets a row: the author always (synchronously, in the posting transaction), and each
// local follower who may see the status (the visibility rule, evaluated per follower in one
// INSERT … SELECT). Direct statuses go to the mentioned local accounts instead of followers.
// Like Mastodon, a reply to someone else reaches only followers who also follow (or are) the
// person replied to, and a reblog skips followers who hid the reblogger's boosts or already
// have the original. A public status also reaches local followers of its hashtags
// (tags/followed.ts). A direct status also goes into its local participants' conversations
// (conversations/record.ts). The timeline re-checks visibility when reading, so a feed row is never
// what grants access.
//
// Small audiences are written with the post, mostly in its own transaction
// (statuses/follow-up.ts: the client sees its followers' feeds updated when the request
// returns); above FAN_OUT_INLINE_LIMIT local followers the work goes to the job queue so a
// popular account's post answers as fast as anyone's.
import { sql } from "kysely";
import { enqueue } from "../../jobs/queue.ts";
import type { Context } from "../context.ts";
import { fileDirectStatus } from "../conversations/record.ts";
import { notify } from "../notifications/notify.ts";
import { literalLimit } from "../pagination.ts";
import { streamToHomes } from "../streaming/publish.ts";
import { fanOutToTagFollowers } from "../tags/followed.ts";
import { localViewersAmong, visibleToAccountColumn } from "../visibility.ts";

export const FAN_OUT_QUEUE = "fan-out";
export const FAN_OUT_INLINE_LIMIT = 200;
/** How many of an account's latest statuses a new follow brings into the follower's feed. */
export const MERGE_ON_FOLLOW = 100;

export interface FanOutPayload {
  statusId: string;
}

/** Adds the status to its author's own feed; call inside the posting transaction. */
export async function addToAuthorFeed(ctx: Context, accountId: string, statusId: string) {
  await ctx.db.kysely
    .insertInto("home_feed")
    .values({ account_id: accountId, status_id: statusId })
    .onConflict((oc) => oc.columns(["account_id", "status_id"]).doNothing())
    .execute();
  await streamToHomes(ctx, statusId, [accountId]);
}

/** What fanning a status out looks at; `tagged` (has hashtags) when the caller knows it. */
export interface FanOutStatus {
  id: string;
  account_id: string;
  visibility: string;
  reblog_of_id: string | null;
  in_reply_to_account_id: string | null;
  language: string | null;
  tagged?: boolean;
}

/**
 * Fans a new status out now, or queues it when the audience is large. Safe to run again (the
 * public streams are told apart, in the posting transaction: statuses/follow-up.ts). `known`:
 * the status as its creator holds it, saving a read.
 */
export async function distributeStatus(
  ctx: Context,
  statusId: string,
  known?: FanOutStatus,
): Promise<void> {
  const status = known ?? (await selectFanOutStatus(ctx, statusId));
  if (!status) return;
  const queue = () =>
    enqueue(ctx.db, FAN_OUT_QUEUE, { statusId } satisfies FanOutPayload, {
      dedupeKey: `fan-out:${statusId}`,
    });
  try {
    if ((await fanOut(ctx, statusId, status, FAN_OUT_INLINE_LIMIT)) === null) await queue();
  } catch {
    // Let the queue retry the fan-out rather than fail the post. (Inside the post's own
    // transaction on PostgreSQL the failure has doomed it: the post fails and is retried whole.)
    await queue();
  }
}

function selectFanOutStatus(ctx: Context, statusId: string): Promise<FanOutStatus | undefined> {
  return ctx.db.kysely
    .selectFrom("statuses")
    .select([
      "id",
      "account_id",
      "visibility",
      "reblog_of_id",
      "in_reply_to_account_id",
      "language",
    ])
    .where("id", "=", statusId)
    .executeTakeFirst();
}

/**
 * Writes the status into every entitled local reader's feed; returns who got it. `selected`:
 * the status as read or held already, saving a read. With `limit`, a status that more than
 * `limit` followers would get is left alone and null returned (a job's work, not a request's).
 */
export async function fanOut(
  ctx: Context,
  statusId: string,
  selected?: FanOutStatus,
  limit?: number,
): Promise<string[] | null> {
  const { kysely } = ctx.db;
  const status = selected ?? (await selectFanOutStatus(ctx, statusId));
  if (!status) return [];

  if (status.visibility === "direct") {
    const receivers = await kysely
      .selectFrom("status_mentions as m")
      .innerJoin("accounts as r", "r.id", "m.account_id")
      .innerJoin("statuses as s", "s.id", "m.status_id")
      .select("m.account_id")
      .where("m.status_id", "=", statusId)
      .where("r.domain", "is", null)
      .where(visibleToAccountColumn("m.account_id", "s"))
      .execute();
    await insertRows(
      ctx,
      receivers.map((r) => r.account_id),
      statusId,
    );
    await fileDirectStatus(ctx, statusId);
    return receivers.map((r) => r.account_id);
  }

  let q = kysely
    .selectFrom("follows as f")
    .innerJoin("accounts as r", "r.id", "f.account_id")
    .innerJoin("statuses as s", (join) => join.on("s.id", "=", statusId))
    .select(["f.account_id", "f.notify"])
    .where("f.target_account_id", "=", status.account_id)
    .where("r.domain", "is", null)
    .where(visibleToAccountColumn("f.account_id", "s"));
  // A follow limited to some languages skips statuses known to be in others.
  const language = status.language;
  if (language && /^[a-zA-Z-]{2,16}$/.test(language)) {
    q = q.where((eb) =>
      eb.or([eb("f.languages", "is", null), eb("f.languages", "like", `%"${language}"%`)]),
    );
  }
  const repliedTo = status.in_reply_to_account_id;
  if (repliedTo && repliedTo !== status.account_id) {
    q = q.where((eb) =>
      eb.or([
        eb("f.account_id", "=", repliedTo),
        eb.exists(
          eb
            .selectFrom("follows as rf")
            .select("rf.id")
            .whereRef("rf.account_id", "=", "f.account_id")
            .where("rf.target_account_id", "=", repliedTo),
        ),
      ]),
    );
  }
  if (status.reblog_of_id) {
    const originalId = status.reblog_of_id;
    q = q
      .where("f.show_reblogs", "=", 1)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("home_feed as h")
              .select("h.status_id")
              .whereRef("h.account_id", "=", "f.account_id")
              .where("h.status_id", "=", originalId),
          ),
        ),
      );
  }
  // A literal limit: SQLite ran this statement 25 times slower with `LIMIT ?` (measured).
  const rows = await (limit === undefined ? q : q.limit(sql.lit(limit + 1))).execute();
  if (limit !== undefined && rows.length > limit) return null;
  const receivers = rows.map((r) => r.account_id);
  await insertRows(ctx, receivers, statusId);
  // A status known to have no hashtags has no hashtag followers to look for.
  if (status.tagged !== false) await fanOutToTagFollowers(ctx, statusId);
  // "status" notifications for followers who asked for them (Mastodon: not for reblogs or
  // replies to others).
  if (!status.reblog_of_id && (!repliedTo || repliedTo === status.account_id)) {
    for (const r of rows) {
      if (r.notify !== 1) continue;
      await notify(ctx, {
        type: "status",
        recipientId: r.account_id,
        fromAccountId: status.account_id,
        statusId,
      });
    }
  }
  return receivers;
}

/**
 * When an edit of a direct status mentions more people: the newly mentioned local accounts
 * (those who may see it) get it in their feeds, as they would have had it been posted so.
 */
export async function addToMentionedFeeds(
  ctx: Context,
  status: { id: string; visibility: string },
  accountIds: readonly string[],
): Promise<void> {
  if (status.visibility !== "direct") return;
  await insertRows(ctx, await localViewersAmong(ctx, status.id, accountIds), status.id);
}

async function insertRows(ctx: Context, accountIds: string[], statusId: string) {
  for (let i = 0; i < accountIds.length; i += 500) {
    const chunk = accountIds.slice(i, i + 500);
    const inserted = await ctx.db.kysely
      .insertInto("home_feed")
      .values(chunk.map((account_id) => ({ account_id, status_id: statusId })))
      .onConflict((oc) => oc.columns(["account_id", "status_id"]).doNothing())
      .returning("account_id")
      .execute();
    // Only new rows: a retried fan-out does not stream the status twice.
    await streamToHomes(
      ctx,
      statusId,
      inserted.map((r) => r.account_id),
    );
  }
}

/**
 * After `followerId` starts following `targetId`: brings the target's latest statuses that the
 * follower may see into the follower's home feed (reblogs only if the follow shows them).
 */
export async function addToHomeFeedOnFollow(
  ctx: Context,
  followerId: string,
  targetId: string,
): Promise<void> {
  const { kysely } = ctx.db;
  const follow = await kysely
    .selectFrom("follows")
    .select("show_reblogs")
    .where("account_id", "=", followerId)
    .where("target_account_id", "=", targetId)
    .executeTakeFirst();
  if (!follow) return;
  let q = kysely
    .selectFrom("statuses as s")
    .innerJoin("accounts as r", (join) => join.on("r.id", "=", followerId))
    .select("s.id")
    .where("s.account_id", "=", targetId)
    .where("s.visibility", "in", ["public", "unlisted", "private"])
    .where("r.domain", "is", null)
    .where(visibleToAccountColumn("r.id", "s"));
  if (follow.show_reblogs !== 1) q = q.where("s.reblog_of_id", "is", null);
  const rows = await q.orderBy("s.id", "desc").limit(literalLimit(MERGE_ON_FOLLOW)).execute();
  if (rows.length === 0) return;
  await kysely
    .insertInto("home_feed")
    .values(rows.map((r) => ({ account_id: followerId, status_id: r.id })))
    .onConflict((oc) => oc.columns(["account_id", "status_id"]).doNothing())
    .execute();
}

/** After `followerId` stops following `targetId`: takes the target's statuses out of the feed. */
export async function removeFromHomeFeedOnUnfollow(
  ctx: Context,
  followerId: string,
  targetId: string,
): Promise<void> {
  await ctx.db.kysely
    .deleteFrom("home_feed")
    .where("account_id", "=", followerId)
    .where("status_id", "in", (eb) =>
      eb.selectFrom("statuses").select("id").where("account_id", "=", targetId),
    )
    .execute();
}

/**
 * After `accountId` blocks `targetId`: the target's statuses and reblogs of them leave the
 * blocker's feed (Mastodon's AfterBlockService), whoever brought them in.
 */
export async function removeFromHomeFeedOnBlock(
  ctx: Context,
  accountId: string,
  targetId: string,
): Promise<void> {
  await ctx.db.kysely
    .deleteFrom("home_feed")
    .where("account_id", "=", accountId)
    .where("status_id", "in", (eb) =>
      eb
        .selectFrom("statuses as hs")
        .select("hs.id")
        .where((w) =>
          w.or([
            w("hs.account_id", "=", targetId),
            w.exists(
              w
                .selectFrom("statuses as ho")
                .select("ho.id")
                .whereRef("ho.id", "=", "hs.reblog_of_id")
                .where("ho.account_id", "=", targetId),
            ),
          ]),
        ),
    )
    .execute();
}

/** Takes a status out of every feed (deletion does this through the foreign key as well). */
export async function removeFromAllFeeds(ctx: Context, statusId: string): Promise<void> {
  await ctx.db.kysely.deleteFrom("home_feed").where("status_id", "=", statusId).execute();
}

/** The job handler for large fan-outs. */
export async function fanOutJob(ctx: Context, payload: unknown): Promise<void> {
  const statusId = (payload as Partial<FanOutPayload> | null)?.statusId;
  if (typeof statusId === "string") await fanOut(ctx, statusId);
}
