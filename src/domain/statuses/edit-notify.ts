// Who hears of an edit, local or remote, once it is stored. Newly mentioned accounts get a
// `mention` notification (and, for a direct status, the status in their home feed), as a new
// status would give them. Local accounts that boosted the status get an `update`, as in
// Mastodon; so do those it mentioned before the edit (Kith's choice: they were told of the
// status, and what they were told has changed). Never the author, never anyone who may not
// see the status now; notify() applies blocks, mutes and muted conversations.
import type { Context } from "../context.ts";
import { notify } from "../notifications/notify.ts";
import { streamEditedStatus } from "../streaming/publish.ts";
import { addToMentionedFeeds } from "../timelines/home-feed.ts";
import { localViewersAmong } from "../visibility.ts";
import type { Revised } from "./revise.ts";

export async function notifyOfEdit(
  ctx: Context,
  revised: Revised,
  /** Of the mentioned, those to notify (remote statuses: a Mention tag, not merely addressed). */
  mentionNotifyIds: readonly string[],
): Promise<void> {
  const { status, addedMentionIds } = revised;
  if (revised.outcome !== "edited") return;
  const from = status.account_id;
  await streamEditedStatus(ctx, status.id);
  await addToMentionedFeeds(ctx, status, addedMentionIds);
  const mentionable = new Set(mentionNotifyIds);
  for (const recipientId of addedMentionIds) {
    if (!mentionable.has(recipientId)) continue;
    await notify(ctx, { type: "mention", recipientId, fromAccountId: from, statusId: status.id });
  }

  const boosters = await ctx.db.kysely
    .selectFrom("statuses")
    .select("account_id")
    .where("reblog_of_id", "=", status.id)
    .execute();
  const added = new Set(addedMentionIds);
  const candidates = [...boosters.map((b) => b.account_id), ...revised.previousMentionIds].filter(
    (id) => id !== from && !added.has(id),
  );
  for (const recipientId of await localViewersAmong(ctx, status.id, candidates)) {
    await notify(ctx, { type: "update", recipientId, fromAccountId: from, statusId: status.id });
  }
}
