// Setting a local status's poll again (what an edit of the status does): the same options keep
// their votes, new options reset them as Mastodon does, null removes the poll, and the end is
// rescheduled each time.
import assert from "node:assert/strict";
import { it } from "node:test";
import { replacePollOptions } from "../../../src/domain/polls/options.ts";
import { findPollOfStatus } from "../../../src/domain/polls/store.ts";
import { voteInPoll } from "../../../src/domain/polls/votes.ts";
import { createStatus } from "../../../src/domain/statuses/create.ts";
import { loadViewer } from "../../../src/domain/viewer.ts";
import { eachDatabase } from "../../helpers/databases.ts";
import { createUser } from "../../helpers/users.ts";

const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

eachDatabase("replacing a poll's options", (fixture) => {
  it("keeps votes for the same options and resets them for new ones", async () => {
    const { ctx } = fixture();
    const alice = await loadViewer(ctx, (await createUser(ctx)).accountId);
    const bob = await loadViewer(ctx, (await createUser(ctx)).accountId);
    const status = await createStatus(ctx, alice, {
      text: "Which?",
      poll: { options: ["a", "b"], expiresIn: 3600 },
    });
    const poll = (await findPollOfStatus(ctx, status.id))!;
    await voteInPoll(ctx, bob, poll.id, [1]);
    const expiryJobs = async () =>
      (
        await ctx.db.kysely
          .selectFrom("jobs")
          .select("run_at")
          .where("queue", "=", "poll-expiry")
          .orderBy("run_at")
          .execute()
      ).map((j) => j.run_at);
    assert.deepEqual(await expiryJobs(), [poll.expiresAt]);

    const later = inHours(2);
    const same = { options: ["a", "b"], multiple: false, hideTotals: true, expiresAt: later };
    await replacePollOptions(ctx, status.id, alice.accountId, same);
    const kept = (await findPollOfStatus(ctx, status.id))!;
    assert.deepEqual(kept.tallies, [0, 1]);
    assert.equal(kept.votesCount, 1);
    assert.equal(kept.hideTotals, true);
    assert.equal(kept.expiresAt, later);
    assert.deepEqual(await expiryJobs(), [poll.expiresAt, later]);

    const renamed = { ...same, options: ["a", "b", "c"] };
    await replacePollOptions(ctx, status.id, alice.accountId, renamed);
    const reset = (await findPollOfStatus(ctx, status.id))!;
    assert.equal(reset.id, poll.id);
    assert.deepEqual(reset.options, ["a", "b", "c"]);
    assert.deepEqual(reset.tallies, [0, 0, 0]);
    assert.equal(reset.votesCount, 0);
    assert.equal(reset.votersCount, 0);
    const votes = await ctx.db.kysely
      .selectFrom("poll_votes")
      .select("id")
      .where("poll_id", "=", poll.id)
      .execute();
    assert.deepEqual(votes, []);
    // Bob may vote again in the new poll.
    assert.deepEqual((await voteInPoll(ctx, bob, poll.id, [2])).tallies, [0, 0, 1]);

    await replacePollOptions(ctx, status.id, alice.accountId, null);
    assert.equal(await findPollOfStatus(ctx, status.id), null);
  });
});
