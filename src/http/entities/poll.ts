// The Poll entity (Mastodon 4.5). Totals of a poll that hides them stay null until it ends,
// except for its author; `voters_count` is given for multiple-choice polls only; `voted` and
// `own_votes` only to a signed-in viewer (the author counts as having voted, as in Mastodon).
import { isExpired } from "../../domain/polls/store.ts";
import type { PollView } from "../../domain/polls/views.ts";

export function renderPoll(view: PollView): Record<string, unknown> {
  const { poll } = view;
  const expired = isExpired(poll);
  const showTotals = !poll.hideTotals || expired || view.own;
  const entity: Record<string, unknown> = {
    id: poll.id,
    expires_at: poll.expiresAt,
    expired,
    multiple: poll.multiple,
    votes_count: poll.votesCount,
    voters_count: poll.multiple ? poll.votersCount : null,
    options: poll.options.map((title, i) => ({
      title,
      votes_count: showTotals ? (poll.tallies[i] ?? 0) : null,
    })),
    emojis: [],
  };
  if (view.ownVotes !== null) {
    entity.voted = view.own || view.ownVotes.length > 0;
    entity.own_votes = view.ownVotes;
  }
  return entity;
}
