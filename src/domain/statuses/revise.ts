// Applying an edit to a stored status, local or remote, in one transaction: the history (the
// first edit also records the version it replaces, as Mastodon does, so the history lists the
// original and then each edit), the row itself, its mentions and its tags.
//
// Mentions, as Mastodon: an account the new text mentions is added; one it no longer mentions
// becomes a silent mention, which keeps the access it had (it was told of the status already:
// withdrawing it would only confuse) but is no longer shown or addressed.
import { newId } from "../../db/ids.ts";
import { type Context, inTransaction } from "../context.ts";
import { notFound } from "../errors.ts";
import { replacePollOptions } from "../polls/options.ts";
import { findPollOfStatus, type PollFields } from "../polls/store.ts";
import type { StatusRow } from "./queries.ts";
import { linkStatusTags } from "./tags.ts";

export interface Revision {
  /** sanitised HTML */
  content: string;
  /** the source text of a local status; empty for a remote one */
  text: string;
  spoilerText: string;
  sensitive: boolean;
  language: string | null;
  editedAt: string;
  /** Everyone the new version mentions (for a remote status: mentions or addresses). */
  mentionIds: readonly string[];
  tags: readonly string[];
  /** A local edit's poll (null: none); left out, the poll is not this revision's business. */
  poll?: PollFields | null;
  /** Something else that shows changes (a local edit's media), so the edit is recorded. */
  otherChanges?: boolean;
  /** The media of the new version, when the edit changes them (else they stay as stored). */
  media?: readonly MediaSnapshot[];
}

/** One attachment of a version, as the history shows it. */
export interface MediaSnapshot {
  id: string;
  description: string | null;
}

export interface Revised {
  /** The status as it now is */
  status: StatusRow;
  /** "stale": a remote edit not newer than the stored version; "unchanged": nothing that
   * shows would change. Neither stores anything. */
  outcome: "edited" | "unchanged" | "stale";
  /** Mentioned by this version and not by any before it */
  addedMentionIds: string[];
  /** Mentioned before this edit (silently or not) */
  previousMentionIds: string[];
}

/**
 * Applies `revision` to the status. The row is locked and read afresh (PostgreSQL; SQLite
 * writes one at a time anyway), so concurrent edits record one original and a history in the
 * order they were applied. With `onlyIfNewer`, an edit dated no later than the stored version
 * is stale (remote edits may arrive out of order).
 */
export async function reviseStatus(
  ctx: Context,
  statusId: string,
  revision: Revision,
  options: { onlyIfNewer?: boolean } = {},
): Promise<Revised> {
  const sensitive = revision.sensitive || revision.spoilerText !== "" ? 1 : 0;
  const editedAt = new Date(Date.parse(revision.editedAt)).toISOString();
  const wanted = new Set(revision.mentionIds);
  // Joins the caller's transaction if any (a local edit records its event in it: edit.ts).
  return await inTransaction(ctx, async (tctx, trx) => {
    let query = trx.selectFrom("statuses").selectAll().where("id", "=", statusId);
    if (ctx.db.dialect === "postgres") query = query.forUpdate();
    const status = await query.executeTakeFirst();
    if (!status) throw notFound(); // deleted meanwhile
    const unchanged = { status, addedMentionIds: [], previousMentionIds: [] };
    const previous = status.edited_at ?? status.created_at;
    if (options.onlyIfNewer && !(Date.parse(editedAt) > Date.parse(previous)))
      return { ...unchanged, outcome: "stale" as const };
    const pollChanged =
      revision.poll !== undefined && (await pollDiffers(tctx, status.id, revision.poll));
    const changed =
      revision.otherChanges === true ||
      pollChanged ||
      revision.content !== status.content ||
      revision.text !== status.text ||
      revision.spoilerText !== status.spoiler_text ||
      sensitive !== status.sensitive ||
      revision.language !== status.language;
    if (!changed) return { ...unchanged, outcome: "unchanged" as const };

    const updated: StatusRow = {
      ...status,
      content: revision.content,
      text: revision.text,
      spoiler_text: revision.spoilerText,
      sensitive,
      language: revision.language,
      edited_at: editedAt,
      updated_at: new Date().toISOString(),
    };
    const earlier = await trx
      .selectFrom("status_edits")
      .select("id")
      .where("status_id", "=", status.id)
      .limit(1)
      .executeTakeFirst();
    if (!earlier) await recordVersion(tctx, status);
    await trx
      .updateTable("statuses")
      .set({
        content: updated.content,
        text: updated.text,
        spoiler_text: updated.spoiler_text,
        sensitive: updated.sensitive,
        language: updated.language,
        edited_at: updated.edited_at,
        updated_at: updated.updated_at,
      })
      .where("id", "=", status.id)
      .execute();
    wanted.delete(status.account_id);
    const mentions = await syncMentions(tctx, status.id, wanted);
    await trx.deleteFrom("status_tags").where("status_id", "=", status.id).execute();
    await linkStatusTags(tctx, status.id, revision.tags);
    if (revision.poll !== undefined)
      await replacePollOptions(tctx, status.id, status.account_id, revision.poll);
    await recordVersion(tctx, updated, revision.media);
    return { status: updated, outcome: "edited" as const, ...mentions };
  });
}

/** A snapshot of the status as it reads now, dated when that version was published. */
async function recordVersion(ctx: Context, status: StatusRow, media?: readonly MediaSnapshot[]) {
  const at = status.edited_at ?? status.created_at;
  const snapshot =
    media ??
    (await ctx.db.kysely
      .selectFrom("media_attachments")
      .select(["id", "description"])
      .where("status_id", "=", status.id)
      .orderBy("position")
      .execute());
  await ctx.db.kysely
    .insertInto("status_edits")
    .values({
      id: newId(new Date(Math.min(Date.parse(at), Date.now()))),
      status_id: status.id,
      account_id: status.account_id,
      content: status.content,
      text: status.text,
      spoiler_text: status.spoiler_text,
      sensitive: status.sensitive,
      language: status.language,
      created_at: at,
      media: snapshot.length > 0 ? JSON.stringify(snapshot) : null,
    })
    .execute();
}

async function syncMentions(ctx: Context, statusId: string, wanted: ReadonlySet<string>) {
  const { kysely } = ctx.db;
  const known = await kysely
    .selectFrom("status_mentions")
    .select(["account_id", "silent"])
    .where("status_id", "=", statusId)
    .execute();
  const knownIds = new Set(known.map((m) => m.account_id));
  const added = [...wanted].filter((id) => !knownIds.has(id));
  if (added.length > 0)
    await kysely
      .insertInto("status_mentions")
      .values(added.map((account_id) => ({ status_id: statusId, account_id })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  const setSilent = async (ids: string[], silent: 0 | 1) => {
    if (ids.length === 0) return;
    await kysely
      .updateTable("status_mentions")
      .set({ silent })
      .where("status_id", "=", statusId)
      .where("account_id", "in", ids)
      .execute();
  };
  await setSilent(
    known.filter((m) => m.silent === 1 && wanted.has(m.account_id)).map((m) => m.account_id),
    0,
  );
  await setSilent(
    known.filter((m) => m.silent === 0 && !wanted.has(m.account_id)).map((m) => m.account_id),
    1,
  );
  return { addedMentionIds: added, previousMentionIds: [...knownIds] };
}

/** Would `wanted` change what people see of the status's poll (its options or kind)? */
async function pollDiffers(ctx: Context, statusId: string, wanted: PollFields | null) {
  const existing = await findPollOfStatus(ctx, statusId);
  if (!existing || !wanted) return !existing !== !wanted;
  return (
    JSON.stringify(existing.options) !== JSON.stringify(wanted.options) ||
    existing.multiple !== wanted.multiple ||
    existing.hideTotals !== wanted.hideTotals
  );
}
