// Reblogs (boosts): a status row of its own that points at the original. Only public and
// unlisted statuses may be reblogged by others; an author may boost their own followers-only
// status to the same followers (as Mastodon allows); direct statuses never.
import { newId } from "../../db/ids.ts";
import type { Visibility } from "../../db/schema.ts";
import { type Context, inTransaction } from "../context.ts";
import { validation } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import { streamDeletion } from "../streaming/deletions.ts";
import { addToAuthorFeed } from "../timelines/home-feed.ts";
import type { Viewer } from "../viewer.ts";
import { countNewStatus } from "./create.ts";
import { followUpNow, recordFollowUp, type StatusFollowUp } from "./follow-up.ts";
import { findVisibleStatus, localStatusUris, type StatusRow } from "./queries.ts";

export type ReblogVisibility = Exclude<Visibility, "direct">;

/** Reblogs status `id` (or the original, if it is a reblog); returns the reblog row. */
export async function reblog(
  ctx: Context,
  viewer: Viewer,
  id: string,
  requested?: ReblogVisibility,
): Promise<StatusRow> {
  let original = await findVisibleStatus(ctx, viewer, id);
  if (original.reblog_of_id) original = await findVisibleStatus(ctx, viewer, original.reblog_of_id);
  const own = original.account_id === viewer.accountId;
  if (original.visibility === "direct" || (original.visibility === "private" && !own))
    throw validation("Validation failed: Private and direct posts cannot be boosted");

  const existing = await findReblog(ctx, viewer.accountId, original.id);
  if (existing) return existing;

  const { kysely } = ctx.db;
  let visibility: Visibility;
  if (original.visibility === "private") {
    visibility = "private";
  } else if (requested) {
    visibility = requested;
  } else {
    const user = await kysely
      .selectFrom("users")
      .select("default_visibility")
      .where("id", "=", viewer.userId)
      .executeTakeFirst();
    const fallback = user?.default_visibility;
    visibility =
      fallback === "public" || fallback === "unlisted" || fallback === "private"
        ? fallback
        : "public";
  }

  const rowId = newId();
  const now = new Date().toISOString();
  const { uri, url } = localStatusUris(ctx.config.origin, viewer.username, rowId, true);
  const row: StatusRow = {
    id: rowId,
    uri,
    url,
    account_id: viewer.accountId,
    local: 1,
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    in_reply_to_uri: null,
    reblog_of_id: original.id,
    thread_id: rowId,
    content: "",
    text: "",
    spoiler_text: "",
    sensitive: 0,
    visibility,
    language: null,
    application_id: null,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    created_at: now,
    edited_at: null,
    updated_at: now,
  };
  const followUp: StatusFollowUp = {
    statusId: rowId,
    notifications: [
      {
        type: "reblog",
        recipientId: original.account_id,
        fromAccountId: viewer.accountId,
        statusId: original.id,
      },
    ],
  };
  await inTransaction(ctx, async (tctx, trx) => {
    await trx.insertInto("statuses").values(row).execute();
    await countNewStatus(tctx, row);
    await addToAuthorFeed(tctx, viewer.accountId, rowId);
    await emitDomainEvent(tctx, { type: "status.reblogged", reblogId: rowId });
    await recordFollowUp(tctx, followUp, { ...row, tagged: false });
  });
  await followUpNow(ctx, followUp);
  return row;
}

/** Undoes the viewer's reblog of status `id`; returns the original. */
export async function unreblog(ctx: Context, viewer: Viewer, id: string): Promise<StatusRow> {
  let original = await findVisibleStatus(ctx, viewer, id);
  if (original.reblog_of_id) original = await findVisibleStatus(ctx, viewer, original.reblog_of_id);
  const existing = await findReblog(ctx, viewer.accountId, original.id);
  if (existing) {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      const tctx: Context = { config: ctx.config, db: { ...ctx.db, kysely: trx } };
      await streamDeletion(tctx, existing, []);
      const deleted = await trx
        .deleteFrom("statuses")
        .where("id", "=", existing.id)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) return;
      await countNewStatus(tctx, existing, -1);
      await emitDomainEvent(tctx, { type: "status.unreblogged", reblog: existing });
    });
  }
  return findVisibleStatus(ctx, viewer, original.id); // fresh counters
}

async function findReblog(ctx: Context, accountId: string, originalId: string) {
  return ctx.db.kysely
    .selectFrom("statuses")
    .selectAll()
    .where("reblog_of_id", "=", originalId)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
}
