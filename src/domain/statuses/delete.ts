// Deleting one's own status. The answer carries the source text so a client can offer
// "delete and redraft". Reblogs of it go with it (each reblogger's count drops too), and the
// foreign keys take its mentions, tags, favourites, bookmarks, pins and feed rows along.
import { type Context, inTransaction } from "../context.ts";
import { notFound } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import type { Viewer } from "../viewer.ts";
import { findVisibleStatus } from "./queries.ts";
import { deleteStatusRow } from "./receive.ts";
import { loadStatusViews, type StatusView } from "./views.ts";

export async function deleteStatus(ctx: Context, viewer: Viewer, id: string): Promise<StatusView> {
  const status = await findVisibleStatus(ctx, viewer, id);
  // Someone else's status is "not found" too: deleting is only ever about one's own.
  if (status.account_id !== viewer.accountId) throw notFound();
  const [view] = await loadStatusViews(ctx, viewer, [status]);
  if (!view) throw notFound();

  // Who it mentioned goes with it; federation still has to tell them.
  const mentions = await ctx.db.kysely
    .selectFrom("status_mentions")
    .select("account_id")
    .where("status_id", "=", status.id)
    .execute();
  // The status and its event go together (events.ts).
  await inTransaction(ctx, async (tctx) => {
    if (!(await deleteStatusRow(tctx, status))) return;
    await emitDomainEvent(tctx, {
      type: "status.deleted",
      status,
      mentionedAccountIds: mentions.map((m) => m.account_id),
    });
  });
  return { ...view, source: status.text };
}
