// Media on local statuses: which media_ids a post may carry (at most four, the author's own,
// not on another status, finished processing: Mastodon's PostStatusService#validate_media!),
// attaching them in the order given, and an edit's new list and descriptions
// (UpdateStatusService#update_media_attachments!).
import type { Context } from "../context.ts";
import { validation } from "../errors.ts";
import type { Viewer } from "../viewer.ts";
import { type MediaRow, parseMeta } from "./queries.ts";
import { checkDescription, MEDIA_LIMITS, parseFocus } from "./rules.ts";

/**
 * The media to attach, in the order asked; `statusId` lets an edit keep its own, and
 * `scheduledStatusId` a scheduled status being published take the media held for it.
 */
export async function checkMediaIds(
  ctx: Context,
  viewer: Viewer,
  ids: readonly string[],
  held: { statusId?: string | undefined; scheduledStatusId?: string | undefined } = {},
): Promise<MediaRow[]> {
  const { statusId, scheduledStatusId } = held;
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return [];
  if (wanted.length > MEDIA_LIMITS.perStatus)
    throw validation(`Validation failed: Cannot attach more than ${MEDIA_LIMITS.perStatus} files`);
  const rows = wanted.some((id) => !/^\d{1,19}$/.test(id))
    ? []
    : await ctx.db.kysely
        .selectFrom("media_attachments")
        .selectAll()
        .where("id", "in", wanted)
        .where("account_id", "=", viewer.accountId)
        .where((eb) =>
          scheduledStatusId
            ? eb.or([
                eb("scheduled_status_id", "is", null),
                eb("scheduled_status_id", "=", scheduledStatusId),
              ])
            : eb("scheduled_status_id", "is", null),
        )
        .where((eb) =>
          statusId
            ? eb.or([eb("status_id", "is", null), eb("status_id", "=", statusId)])
            : eb("status_id", "is", null),
        )
        .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = wanted.filter((id) => !byId.has(id));
  if (missing.length > 0)
    throw validation(`Validation failed: Media attachment ${missing.join(", ")} not found`);
  if (rows.some((r) => r.state !== "done"))
    throw validation(
      "Validation failed: Cannot attach files that have not finished processing. Try again in a moment!",
    );
  return wanted.map((id) => byId.get(id)!);
}

/** Attaches checked media to a new status (inside its transaction). */
export async function attachMedia(
  ctx: Context,
  statusId: string,
  media: readonly MediaRow[],
): Promise<void> {
  for (const [position, row] of media.entries()) {
    await ctx.db.kysely
      .updateTable("media_attachments")
      .set({ status_id: statusId, scheduled_status_id: null, position })
      .where("id", "=", row.id)
      .execute();
  }
}

export interface MediaAttribute {
  id: string;
  description?: string;
  focus?: string;
}

/** What an edit does to a status's media: the list after it, with changed fields. */
export interface MediaEdit {
  statusId: string;
  media: MediaRow[];
  changed: boolean;
}

/**
 * Works out an edit's media: `ids` (undefined keeps the list) and `attributes` (descriptions
 * and focal points of media in the list). Checked before anything is written.
 */
export async function planMediaEdit(
  ctx: Context,
  viewer: Viewer,
  statusId: string,
  ids: readonly string[] | undefined,
  attributes: readonly MediaAttribute[],
): Promise<MediaEdit> {
  const current = await ctx.db.kysely
    .selectFrom("media_attachments")
    .selectAll()
    .where("status_id", "=", statusId)
    .orderBy("position")
    .execute();
  const next = ids === undefined ? current : await checkMediaIds(ctx, viewer, ids, { statusId });
  let changed = next.map((m) => m.id).join() !== current.map((m) => m.id).join();
  const media = next.map((row) => {
    const attribute = attributes.find((a) => a.id === row.id);
    if (!attribute) return row;
    const description = checkDescription(attribute.description);
    const meta = parseMeta(row.meta);
    if (attribute.focus !== undefined && attribute.focus !== "")
      meta.focus = parseFocus(attribute.focus);
    const updated = {
      ...row,
      ...(description !== undefined ? { description } : {}),
      meta: JSON.stringify(meta),
    };
    if (updated.description !== row.description || updated.meta !== row.meta) changed = true;
    return updated;
  });
  return { statusId, media, changed };
}

/** Writes a planned media edit (inside the edit's transaction). */
export async function applyMediaEdit(ctx: Context, edit: MediaEdit): Promise<void> {
  const { kysely } = ctx.db;
  const keep = edit.media.map((m) => m.id);
  let detach = kysely
    .updateTable("media_attachments")
    .set({ status_id: null })
    .where("status_id", "=", edit.statusId);
  if (keep.length > 0) detach = detach.where("id", "not in", keep);
  await detach.execute();
  for (const [position, row] of edit.media.entries()) {
    await kysely
      .updateTable("media_attachments")
      .set({
        status_id: edit.statusId,
        position,
        description: row.description,
        meta: row.meta,
        updated_at: new Date().toISOString(),
      })
      .where("id", "=", row.id)
      .execute();
  }
}
