// A remote poll as its server tells it (Update of the Question, or a refetch): its tallies
// replace ours, local votes included, since its server counts them. New options mean a new
// poll, as in Mastodon: the votes cast here go. When it ends, local voters hear of it.
import type { Context } from "../context.ts";
import { schedulePollExpiry } from "./expiry.ts";
import { findPollOfStatus, insertPoll, type PollFields, pollColumns } from "./store.ts";

export async function refreshRemotePoll(
  ctx: Context,
  status: { id: string; account_id: string },
  fields: PollFields,
): Promise<void> {
  const existing = await findPollOfStatus(ctx, status.id);
  if (!existing) {
    await insertPoll(ctx, status.id, status.account_id, fields);
    return;
  }
  const now = new Date().toISOString();
  const same =
    existing.multiple === fields.multiple &&
    JSON.stringify(existing.options) === JSON.stringify(fields.options);
  await ctx.db.kysely.transaction().execute(async (trx) => {
    if (!same) await trx.deleteFrom("poll_votes").where("poll_id", "=", existing.id).execute();
    await trx
      .updateTable("polls")
      .set(pollColumns(fields, now))
      .where("id", "=", existing.id)
      .execute();
  });
  const localVoter = await ctx.db.kysely
    .selectFrom("poll_votes")
    .innerJoin("accounts", "accounts.id", "poll_votes.account_id")
    .select("poll_votes.id")
    .where("poll_votes.poll_id", "=", existing.id)
    .where("accounts.domain", "is", null)
    .executeTakeFirst();
  if (localVoter) await schedulePollExpiry(ctx, { id: existing.id, expiresAt: fields.expiresAt });
}
