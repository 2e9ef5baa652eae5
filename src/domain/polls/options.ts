// A local status's poll being set: when the status is posted, and when it is edited (new
// options reset every vote, as in Mastodon). Either way the poll's end is scheduled.
import type { Context } from "../context.ts";
import { schedulePollExpiry } from "./expiry.ts";
import type { PollInput } from "./limits.ts";
import { findPollOfStatus, insertPoll, type PollFields, pollColumns } from "./store.ts";

/** The poll of a new local status, with its end scheduled (in the same transaction). */
export async function insertLocalPoll(
  ctx: Context,
  statusId: string,
  accountId: string,
  input: PollInput,
): Promise<void> {
  const id = await insertPoll(ctx, statusId, accountId, input);
  await schedulePollExpiry(ctx, { id, expiresAt: input.expiresAt });
}

/**
 * For an edit of a status: its poll becomes `fields` (or goes, with null). New options (or a
 * new type) reset every vote, as Mastodon does when a poll is edited; the end is rescheduled.
 * Changes only `expires_at`, `hide_totals`… when the options stay the same.
 */
export async function replacePollOptions(
  ctx: Context,
  statusId: string,
  accountId: string,
  fields: PollFields | null,
): Promise<void> {
  const existing = await findPollOfStatus(ctx, statusId);
  if (!fields) {
    if (existing) await ctx.db.kysely.deleteFrom("polls").where("id", "=", existing.id).execute();
    return;
  }
  if (!existing) {
    const id = await insertPoll(ctx, statusId, accountId, fields);
    await schedulePollExpiry(ctx, { id, expiresAt: fields.expiresAt });
    return;
  }
  const now = new Date().toISOString();
  const same =
    existing.multiple === fields.multiple &&
    JSON.stringify(existing.options) === JSON.stringify(fields.options);
  if (same) {
    await ctx.db.kysely
      .updateTable("polls")
      .set({
        hide_totals: fields.hideTotals ? 1 : 0,
        expires_at: fields.expiresAt,
        updated_at: now,
      })
      .where("id", "=", existing.id)
      .execute();
  } else {
    await ctx.db.kysely.deleteFrom("poll_votes").where("poll_id", "=", existing.id).execute();
    await ctx.db.kysely
      .updateTable("polls")
      .set(pollColumns(fields, now))
      .where("id", "=", existing.id)
      .execute();
  }
  await schedulePollExpiry(ctx, { id: existing.id, expiresAt: fields.expiresAt });
}
