// What rendering a poll needs besides the poll: whether the viewer voted, and for what. Loaded
// for a page of statuses at once (two queries whatever the page size).
import type { Context } from "../context.ts";
import { type Poll, toPoll } from "./store.ts";

export interface PollView {
  poll: Poll;
  /** Whether the viewer is the poll's author (who sees hidden totals, and counts as voted). */
  own: boolean;
  /** The options the viewer chose; null without a signed-in viewer. */
  ownVotes: number[] | null;
}

/** Views of the polls of `statusIds`, by status id. */
export async function loadPollViews(
  ctx: Context,
  viewerAccountId: string | null,
  statusIds: readonly string[],
): Promise<Map<string, PollView>> {
  const ids = [...new Set(statusIds)];
  if (ids.length === 0) return new Map();
  const rows = await ctx.db.kysely
    .selectFrom("polls")
    .selectAll()
    .where("status_id", "in", ids)
    .execute();
  if (rows.length === 0) return new Map();
  const votes = viewerAccountId
    ? await ctx.db.kysely
        .selectFrom("poll_votes")
        .select(["poll_id", "choice"])
        .where("account_id", "=", viewerAccountId)
        .where(
          "poll_id",
          "in",
          rows.map((r) => r.id),
        )
        .orderBy("choice")
        .execute()
    : [];
  const views = new Map<string, PollView>();
  for (const row of rows) {
    const poll = toPoll(row);
    views.set(poll.statusId, {
      poll,
      own: viewerAccountId !== null && poll.accountId === viewerAccountId,
      ownVotes: viewerAccountId
        ? votes.filter((v) => v.poll_id === poll.id).map((v) => Number(v.choice))
        : null,
    });
  }
  return views;
}

export async function loadPollView(
  ctx: Context,
  viewerAccountId: string | null,
  poll: Poll,
): Promise<PollView> {
  const view = (await loadPollViews(ctx, viewerAccountId, [poll.statusId])).get(poll.statusId);
  if (!view) throw new Error(`poll ${poll.id} vanished`);
  return view;
}
