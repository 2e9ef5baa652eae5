// Filing a direct status into its local participants' conversations, as Mastodon's
// AccountConversation.add_status: one conversation per (account, thread, set of the other
// participants), so a thread whose mentions change splits as it does in Mastodon. The author
// and the accounts it mentions are the participants; each local one who may see the status
// gets it, unread unless they wrote it. Called from the home fan-out, which both local posts
// and statuses received from other servers go through; safe to run again for the same status.
// As Mastodon (NotifyService#push_to_conversation), a recipient whose notification policy
// filters or drops the author's mention does not get it: a filtered one is filed when its
// notification request is accepted (requests.ts), a dismissed or dropped one never.
import { sql } from "kysely";
import { newId } from "../../db/ids.ts";
import type { Context } from "../context.ts";
import { policyVerdict } from "../notifications/filtering.ts";
import { streamConversation } from "../streaming/publish.ts";
import { localViewersAmong } from "../visibility.ts";

/** Files the status for its participants, or only for `onlyFor` when given. */
export async function fileDirectStatus(
  ctx: Context,
  statusId: string,
  onlyFor?: string,
): Promise<void> {
  const { kysely } = ctx.db;
  const status = await kysely
    .selectFrom("statuses")
    .select(["id", "account_id", "thread_id", "visibility", "reblog_of_id"])
    .where("id", "=", statusId)
    .executeTakeFirst();
  if (status?.visibility !== "direct" || status.reblog_of_id) return;
  const mentions = await kysely
    .selectFrom("status_mentions")
    .select("account_id")
    .where("status_id", "=", status.id)
    .where("silent", "=", 0)
    .execute();
  const everyone = [...new Set([status.account_id, ...mentions.map((m) => m.account_id)])];
  const wanted = onlyFor === undefined ? everyone : everyone.filter((id) => id === onlyFor);
  const recipients = await localViewersAmong(ctx, status.id, wanted);
  const now = new Date().toISOString();
  for (const accountId of recipients) {
    // Filed already (a retried fan-out): nothing to move, mark unread or stream again.
    const filed = await kysely
      .selectFrom("account_conversation_statuses as cs")
      .innerJoin("account_conversations as c", "c.id", "cs.conversation_id")
      .select("c.id")
      .where("cs.status_id", "=", status.id)
      .where("c.account_id", "=", accountId)
      .executeTakeFirst();
    if (filed) continue;
    if (accountId !== status.account_id) {
      const mention = { type: "mention", recipientId: accountId, statusId: status.id } as const;
      const verdict = await policyVerdict(ctx, { ...mention, fromAccountId: status.account_id });
      if (verdict !== "accept") continue;
    }
    const others = everyone.filter((id) => id !== accountId).sort();
    const unread = accountId === status.account_id ? 0 : 1;
    // A newer status moves the conversation up and sets `unread`; an older one arriving late
    // (a retry, a slow delivery) only joins it.
    const newer = sql<boolean>`account_conversations.last_status_id < ${status.id}`;
    const row = await kysely
      .insertInto("account_conversations")
      .values({
        id: newId(),
        account_id: accountId,
        thread_id: status.thread_id,
        participant_ids: others.join(" "),
        last_status_id: status.id,
        unread,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(["account_id", "thread_id", "participant_ids"]).doUpdateSet({
          last_status_id: sql`CASE WHEN ${newer} THEN ${status.id} ELSE account_conversations.last_status_id END`,
          unread: sql`CASE WHEN ${newer} THEN ${unread} ELSE account_conversations.unread END`,
          updated_at: now,
        }),
      )
      .returning("id")
      .executeTakeFirstOrThrow();
    await kysely
      .insertInto("account_conversation_statuses")
      .values({ conversation_id: row.id, status_id: status.id })
      .onConflict((oc) => oc.columns(["conversation_id", "status_id"]).doNothing())
      .execute();
    await streamConversation(ctx, row.id, accountId);
  }
}
