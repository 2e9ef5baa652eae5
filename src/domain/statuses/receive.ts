// Statuses from other servers: stored once per ActivityPub id, threaded, counted, fanned out
// to the local followers who may see them, and announced to the local accounts they mention.
// Edits (with their history) and deletions by their authors. Federation has validated,
// sanitised and addressed them (visibility, who is mentioned) before they get here; the
// instance's incoming rules (docs/rules/) apply here, before anything is stored.
import { newId } from "../../db/ids.ts";
import type { Visibility } from "../../db/schema.ts";
import { type Context, inTransaction } from "../context.ts";
import { loadStatusMedia } from "../media/queries.ts";
import {
  insertRemoteMedia,
  type RemoteMediaInput,
  remoteMediaDiffers,
  remoteMediaRows,
} from "../media/remote.ts";
import { insertPoll, type PollFields } from "../polls/store.ts";
import { recordRuleActions } from "../rules/actions.ts";
import { enforceIncomingRules } from "../rules/enforce-incoming.ts";
import { streamDeletion } from "../streaming/deletions.ts";
import { countNewStatus } from "./create.ts";
import { notifyOfEdit } from "./edit-notify.ts";
import { followUpNow, recordFollowUp, type StatusFollowUp } from "./follow-up.ts";
import type { StatusRow } from "./queries.ts";
import { type Revised, reviseStatus } from "./revise.ts";
import { linkStatusTags } from "./tags.ts";

export interface RemoteStatusInput {
  uri: string;
  url: string | null;
  accountId: string;
  /** The parent, when it is stored here */
  inReplyTo: Pick<StatusRow, "id" | "account_id" | "thread_id"> | null;
  inReplyToUri: string | null;
  /** sanitised HTML */
  content: string;
  spoilerText: string;
  sensitive: boolean;
  visibility: Visibility;
  language: string | null;
  createdAt: string;
  /** Accounts addressed or mentioned: they may see a private or direct status. */
  mentionedAccountIds: readonly string[];
  /** Local accounts to notify of a mention (those with a Mention tag, not merely addressed). */
  notifyAccountIds: readonly string[];
  tags: readonly string[];
  /** Store without notifying anyone (spam heuristics). */
  quiet?: boolean;
  /** A Question's poll, stored with the status. */
  poll?: PollFields | null;
  /** Attachments, stored as links to their server (domain/media/remote.ts). */
  media?: readonly RemoteMediaInput[];
  /**
   * The caller found no status by this uri (findStatusByUri) just now: it is not looked up
   * again. One stored meanwhile under the same uri is still caught by the uri's unique index.
   */
  lookedUp?: boolean;
}

export interface StatusEdit {
  content: string;
  spoilerText: string;
  sensitive: boolean;
  language: string | null;
  editedAt: string;
  mentionedAccountIds: readonly string[];
  notifyAccountIds: readonly string[];
  tags: readonly string[];
  /** The attachments after the edit; undefined keeps them. */
  media?: readonly RemoteMediaInput[];
}

/** A stored status by its ActivityPub id or, failing that, its web URL. */
export async function findStatusByUri(ctx: Context, uri: string): Promise<StatusRow | null> {
  // One statement (a round trip on PostgreSQL), each lookup on its own index: the id's row,
  // else the oldest by URL. (An OR of both with an ORDER BY on which side matched cost SQLite
  // ten times as much, and this runs for every activity received.)
  const row = await ctx.db.kysely
    .selectFrom("statuses")
    .selectAll()
    .where("id", "=", (eb) =>
      eb.fn.coalesce(
        eb.selectFrom("statuses").select("id").where("uri", "=", uri),
        eb
          .selectFrom("statuses")
          .select("id")
          .where("url", "=", uri)
          .where("reblog_of_id", "is", null)
          .orderBy("id")
          .limit(1),
      ),
    )
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Stores a remote status unless one with its uri exists; `created` says which happened.
 * Throws RefusedByRule when an incoming rule refuses it.
 */
export async function receiveRemoteStatus(
  ctx: Context,
  received: RemoteStatusInput,
): Promise<{ status: StatusRow; created: boolean }> {
  const earlier = received.lookedUp ? null : await findStatusByUri(ctx, received.uri);
  if (earlier) return { status: earlier, created: false };
  const ruled = await enforceIncomingRules(ctx, received);
  const input = { ...received, ...ruled };
  const id = newId(new Date(Math.min(Date.parse(input.createdAt) || Date.now(), Date.now())));
  const now = new Date().toISOString();
  const row: StatusRow = {
    id,
    uri: input.uri,
    url: input.url,
    account_id: input.accountId,
    local: 0,
    in_reply_to_id: input.inReplyTo?.id ?? null,
    in_reply_to_account_id: input.inReplyTo?.account_id ?? null,
    in_reply_to_uri: input.inReplyToUri,
    reblog_of_id: null,
    thread_id: input.inReplyTo?.thread_id ?? id,
    content: input.content,
    text: "",
    spoiler_text: input.spoilerText,
    sensitive: input.sensitive || input.spoilerText !== "" ? 1 : 0,
    visibility: input.visibility,
    language: input.language,
    application_id: null,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    created_at: new Date(Date.parse(input.createdAt) || Date.now()).toISOString(),
    edited_at: null,
    updated_at: now,
  };
  const mentioned = [...new Set(input.mentionedAccountIds)].filter((a) => a !== input.accountId);
  const media = await remoteMediaRows(
    ctx,
    new URL(input.uri).host,
    id,
    input.accountId,
    input.media ?? [],
  );
  // Local followers' feeds and the mentioned local people's notifications (follow-up.ts).
  const followUp: StatusFollowUp = {
    statusId: id,
    notifications: input.quiet
      ? []
      : [...new Set(input.notifyAccountIds)].map((recipientId) => ({
          type: "mention",
          recipientId,
          fromAccountId: input.accountId,
          statusId: id,
        })),
  };
  const created = await inTransaction(ctx, async (tctx, trx) => {
    const inserted = await trx
      .insertInto("statuses")
      .values(row)
      .onConflict((oc) => oc.column("uri").doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    if (mentioned.length > 0)
      await trx
        .insertInto("status_mentions")
        .values(mentioned.map((account_id) => ({ status_id: id, account_id })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    await linkStatusTags(tctx, id, input.tags);
    if (input.poll) await insertPoll(tctx, id, input.accountId, input.poll);
    await insertRemoteMedia(tctx, media);
    await countNewStatus(tctx, row);
    await recordRuleActions(
      tctx,
      ruled.records.map((r) => ({ ...r, statusId: id })),
    );
    await recordFollowUp(tctx, followUp, { ...row, tagged: input.tags.length > 0 });
    return true;
  });
  if (!created) return { status: (await findStatusByUri(ctx, input.uri)) ?? row, created: false };
  await followUpNow(ctx, followUp);
  return { status: row, created: true };
}

/**
 * Applies an author's edit, with its history (see revise.ts), and tells whoever should hear
 * of it (edit-notify.ts). "stale" when it is not newer than what is stored, "unchanged" when
 * it changes nothing that shows. The incoming rules apply as to a new status; an edit cannot
 * change visibility, so one that a rule would keep off public timelines is refused instead
 * (RefusedByRule), and the status stays as it was.
 */
export async function editRemoteStatus(
  ctx: Context,
  status: StatusRow,
  edit: StatusEdit,
): Promise<Revised["outcome"]> {
  const ruled = await enforceIncomingRules(ctx, {
    ...edit,
    uri: status.uri,
    accountId: status.account_id,
    visibility: status.visibility,
    statusId: status.id,
  });
  const storedMedia = (await loadStatusMedia(ctx, [status.id])).get(status.id) ?? [];
  const newMedia =
    edit.media && remoteMediaDiffers(storedMedia, edit.media)
      ? await remoteMediaRows(
          ctx,
          new URL(status.uri).host,
          status.id,
          status.account_id,
          edit.media,
        )
      : null;
  const revised = await inTransaction(ctx, async (tctx, trx) => {
    const result = await reviseStatus(
      tctx,
      status.id,
      {
        content: edit.content,
        text: "",
        spoilerText: edit.spoilerText,
        sensitive: ruled.sensitive,
        language: edit.language,
        editedAt: edit.editedAt,
        mentionIds: ruled.mentionedAccountIds,
        tags: edit.tags,
        otherChanges: newMedia !== null,
        ...(newMedia
          ? { media: newMedia.map((m) => ({ id: m.id, description: m.description })) }
          : {}),
      },
      { onlyIfNewer: true },
    );
    if (result.outcome === "edited" && newMedia) {
      // The old rows go; files cached for them are removed by the unattached-media job.
      await trx
        .updateTable("media_attachments")
        .set({ status_id: null })
        .where("status_id", "=", status.id)
        .execute();
      await insertRemoteMedia(tctx, newMedia);
    }
    return result;
  });
  if (revised.outcome === "edited") await recordRuleActions(ctx, ruled.records);
  await notifyOfEdit(ctx, revised, ruled.notifyAccountIds);
  return revised.outcome;
}

/**
 * Deletes a status and the reblogs of it, with every counter they moved; false when it was gone
 * already. Joins the caller's transaction, if any (a local delete emits its event in it).
 */
export async function deleteStatusRow(ctx: Context, status: StatusRow): Promise<boolean> {
  return inTransaction(ctx, async (tctx, trx) => {
    const reblogs = await trx
      .selectFrom("statuses")
      .selectAll()
      .where("reblog_of_id", "=", status.id)
      .execute();
    // Before the rows (and the home feeds holding them) go; heard only if this commits.
    await streamDeletion(tctx, status, reblogs);
    for (const reblog of reblogs) {
      await trx.deleteFrom("statuses").where("id", "=", reblog.id).execute();
      await countNewStatus(tctx, reblog, -1);
    }
    const deleted = await trx.deleteFrom("statuses").where("id", "=", status.id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) return false;
    await countNewStatus(tctx, status, -1);
    return true;
  });
}

/** Remembers that `uri` was deleted, so a Create that arrives late is not stored. */
export async function addTombstone(ctx: Context, uri: string, accountUri: string | null) {
  await ctx.db.kysely
    .insertInto("tombstones")
    .values({ uri, account_uri: accountUri, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column("uri").doNothing())
    .execute();
}

export async function isTombstoned(ctx: Context, uri: string): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom("tombstones")
    .select("uri")
    .where("uri", "=", uri)
    .executeTakeFirst();
  return row !== undefined;
}
