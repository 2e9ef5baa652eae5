// Voting: a local account through the API, or a remote one through its server's Create(Note).
// Mastodon's VoteValidator rules, checked with the poll locked: not after the end, only
// existing options, not in one's own poll, and one vote per option — one in all unless the
// poll allows several. Tallies and counts are cached on the poll in the same transaction.
// Afterwards, a local poll's new tallies go out (debounced: updates.ts); a vote in a remote poll
// goes to its author (the `poll.voted` event) and its end is watched for local voters.
import { newId } from "../../db/ids.ts";
import { type Context, inTransaction } from "../context.ts";
import { DomainError, notFound, validation } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import { findVisibleStatus } from "../statuses/queries.ts";
import type { Viewer } from "../viewer.ts";
import { schedulePollExpiry } from "./expiry.ts";
import { findPoll, isExpired, lockPoll, type Poll } from "./store.ts";
import { schedulePollUpdate } from "./updates.ts";

export const VOTE_ERRORS = {
  expired: "The poll has already ended",
  invalidChoice: "The chosen vote option does not exist",
  selfVote: "You cannot vote in your own polls",
  alreadyVoted: "You have already voted on this poll",
} as const;

class VoteRefused extends Error {}

/** Records the votes of `accountId` for `choices`, or throws VoteRefused with the rule broken. */
async function castVotes(
  ctx: Context,
  pollId: string,
  accountId: string,
  choices: readonly number[],
  uri: string | null,
): Promise<{ poll: Poll; voteIds: string[] }> {
  return inTransaction(ctx, async (tctx, trx) => {
    const poll = await lockPoll(tctx, pollId);
    if (!poll) throw new VoteRefused("the poll is gone");
    if (isExpired(poll)) throw new VoteRefused(VOTE_ERRORS.expired);
    if (choices.some((c) => !Number.isInteger(c) || c < 0 || c >= poll.options.length))
      throw new VoteRefused(VOTE_ERRORS.invalidChoice);
    if (poll.accountId === accountId) throw new VoteRefused(VOTE_ERRORS.selfVote);
    const earlier = (
      await trx
        .selectFrom("poll_votes")
        .select("choice")
        .where("poll_id", "=", poll.id)
        .where("account_id", "=", accountId)
        .execute()
    ).map((v) => Number(v.choice));
    const again =
      new Set(choices).size !== choices.length || choices.some((c) => earlier.includes(c));
    if (again || (!poll.multiple && earlier.length + choices.length > 1))
      throw new VoteRefused(VOTE_ERRORS.alreadyVoted);
    const now = new Date().toISOString();
    const votes = choices.map((choice) => ({
      id: newId(),
      poll_id: poll.id,
      account_id: accountId,
      choice,
      uri,
      created_at: now,
    }));
    await trx.insertInto("poll_votes").values(votes).execute();
    const tallies = poll.tallies.map((n, i) => n + (choices.includes(i) ? 1 : 0));
    const votersCount =
      poll.votersCount === null ? null : poll.votersCount + (earlier.length === 0 ? 1 : 0);
    await trx
      .updateTable("polls")
      .set({
        cached_tallies: JSON.stringify(tallies),
        votes_count: poll.votesCount + choices.length,
        voters_count: votersCount,
        updated_at: now,
      })
      .where("id", "=", poll.id)
      .execute();
    return {
      poll: { ...poll, tallies, votesCount: poll.votesCount + choices.length, votersCount },
      voteIds: votes.map((v) => v.id),
    };
  });
}

/** The poll, if `viewer` may see its status; else "not found". */
export async function findVisiblePoll(
  ctx: Context,
  viewer: Viewer | null,
  pollId: string,
): Promise<Poll> {
  const poll = await findPoll(ctx, pollId);
  if (!poll) throw notFound();
  await findVisibleStatus(ctx, viewer, poll.statusId);
  return poll;
}

/** `POST /api/v1/polls/:id/votes`: a local account votes; Mastodon's 422s for broken rules. */
export async function voteInPoll(
  ctx: Context,
  viewer: Viewer,
  pollId: string,
  choices: readonly number[],
): Promise<Poll> {
  const visible = await findVisiblePoll(ctx, viewer, pollId);
  if (choices.length === 0)
    throw new DomainError("bad_request", "param is missing or the value is empty: choices");
  try {
    // The votes, and what they set going, commit together (events.ts).
    return await inTransaction(ctx, async (tctx) => {
      const { poll, voteIds } = await castVotes(tctx, visible.id, viewer.accountId, choices, null);
      if (await isLocalAccount(tctx, poll.accountId)) {
        if (!poll.hideTotals) await schedulePollUpdate(tctx, poll.statusId);
      } else {
        // The poll's end will be announced to local voters; its server hears of the vote.
        await schedulePollExpiry(tctx, poll);
        await emitDomainEvent(tctx, {
          type: "poll.voted",
          pollId: poll.id,
          accountId: viewer.accountId,
          voteIds,
        });
      }
      return poll;
    });
  } catch (error) {
    if (error instanceof VoteRefused) throw validation(`Validation failed: ${error.message}`);
    throw error;
  }
}

/**
 * A remote account's vote in a local poll, one option per call (each arrives as its own Note
 * named after the option). Returns null when counted, else why not.
 */
export async function receiveRemoteVote(
  ctx: Context,
  vote: { statusId: string; accountId: string; optionName: string; uri: string },
): Promise<string | null> {
  const poll = await ctx.db.kysely
    .selectFrom("polls")
    .select(["id", "options"])
    .where("status_id", "=", vote.statusId)
    .executeTakeFirst();
  if (!poll) return "the status has no poll";
  const options = JSON.parse(poll.options) as string[];
  const choice = options.indexOf(vote.optionName);
  if (choice === -1) return "no option of that name";
  const known = await ctx.db.kysely
    .selectFrom("poll_votes")
    .select("id")
    .where("uri", "=", vote.uri)
    .executeTakeFirst();
  if (known) return "already counted";
  try {
    const { poll: counted } = await castVotes(ctx, poll.id, vote.accountId, [choice], vote.uri);
    if (!counted.hideTotals) await schedulePollUpdate(ctx, counted.statusId);
    return null;
  } catch (error) {
    if (error instanceof VoteRefused) return error.message;
    throw error;
  }
}

async function isLocalAccount(ctx: Context, accountId: string): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom("accounts")
    .select("domain")
    .where("id", "=", accountId)
    .executeTakeFirst();
  return row?.domain === null;
}
