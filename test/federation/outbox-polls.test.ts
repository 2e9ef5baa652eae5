// Outbound polls over real HTTP on both databases: a poll goes out as a Create(Question) shaped
// as Mastodon's (oneOf/anyOf options with their tallies, endTime, votersCount) and is served as
// a Question when fetched; new tallies go out as an Update(Question) through the debounced job,
// and the end as one with `closed`; a local vote in a remote poll reaches the poll's author as
// one signed Create(Note) per chosen option, named after it.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { insertPoll } from "../../src/domain/polls/store.ts";
import { deliveriesOf, deliveriesWhere, list, PUBLIC } from "../helpers/recording-inbox.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser } from "../helpers/users.ts";
import { inboxesOf, insertRemoteStatus, setUpWorld, type World } from "./outbox-world.ts";

const HOUR = 3600;

eachServer("outbound polls", (server) => {
  let w: World;
  before(async () => {
    w = await setUpWorld(server());
  });
  after(() => w.close());

  const postPoll = async (poll: Record<string, unknown>) => {
    const r = await api(w.base, "POST", "/api/v1/statuses", {
      token: w.alice.token,
      body: { status: "Which one?", poll },
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json as { id: string; uri: string; poll: { id: string; expires_at: string } };
  };
  /** Runs the pending jobs of `queue` now instead of when they are due. */
  const runNow = (queue: string) =>
    w.ctx.db.kysely
      .updateTable("jobs")
      .set({ run_at: new Date().toISOString() })
      .where("queue", "=", queue)
      .execute();
  const updatesOf = (uri: string, count: number) =>
    deliveriesWhere(
      w.all,
      (d) => d.activity?.type === "Update" && d.activity.object?.id === uri,
      count,
    );

  let single: Awaited<ReturnType<typeof postPoll>>;
  it("delivers a poll as a Create(Question) with oneOf options, endTime and votersCount", async () => {
    single = await postPoll({ options: ["Tea", "Coffee"], expires_in: HOUR });
    const got = await deliveriesOf(w.all, `${single.uri}/activity`, 2);
    assert.deepEqual(inboxesOf(got), w.followerInboxes);
    assert.ok(got.every((d) => d.signatureProblem === null));
    const question = got[0]!.activity.object;
    assert.equal(question.type, "Question");
    assert.equal(question.id, single.uri);
    assert.deepEqual(list(question.to), [PUBLIC]);
    assert.equal(question.anyOf, undefined);
    assert.deepEqual(question.oneOf, [
      { type: "Note", name: "Tea", replies: { type: "Collection", totalItems: 0 } },
      { type: "Note", name: "Coffee", replies: { type: "Collection", totalItems: 0 } },
    ]);
    assert.equal(Date.parse(question.endTime), Date.parse(single.poll.expires_at));
    assert.equal(question.votersCount, 0);
    assert.equal(question.closed, undefined);
    assert.match(question.content, /Which one\?/);
  });

  it("serves the Question at its id", async () => {
    const r = await fetch(single.uri, { headers: { Accept: "application/activity+json" } });
    assert.equal(r.status, 200);
    const question = (await r.json()) as Record<string, unknown>;
    assert.equal(question.type, "Question");
    assert.equal((question.oneOf as unknown[]).length, 2);
    const activity = await fetch(`${single.uri}/activity`, {
      headers: { Accept: "application/activity+json" },
    });
    const create = (await activity.json()) as { type: string; object: { type: string } };
    assert.equal(create.type, "Create");
    assert.equal(create.object.type, "Question");
  });

  it("sends new tallies as an Update(Question) once the debounce job runs", async () => {
    const voted = await api(w.base, "POST", `/api/v1/polls/${single.poll.id}/votes`, {
      token: w.lee.token,
      body: { choices: [1] },
    });
    assert.equal(voted.status, 200, JSON.stringify(voted.json));
    const mia = await createUser(w.ctx, { username: "mia" });
    const again = await api(w.base, "POST", `/api/v1/polls/${single.poll.id}/votes`, {
      token: mia.token,
      body: { choices: [1] },
    });
    assert.equal(again.status, 200, JSON.stringify(again.json));
    // The second vote, while the first update waits, does not queue another.
    const jobs = await w.ctx.db.kysely
      .selectFrom("jobs")
      .select(["run_at"])
      .where("queue", "=", "poll-update")
      .execute();
    assert.equal(jobs.length, 1);
    assert.ok(Date.parse(jobs[0]!.run_at) > Date.now() + 60_000, "debounced");
    await runNow("poll-update");
    const got = await updatesOf(single.uri, 2);
    assert.deepEqual(inboxesOf(got), w.followerInboxes);
    const question = got[0]!.activity.object;
    assert.equal(question.type, "Question");
    assert.deepEqual(
      question.oneOf.map((o: { replies: { totalItems: number } }) => o.replies.totalItems),
      [0, 2],
    );
    assert.equal(question.votersCount, 2);
    assert.equal(question.updated, undefined, "not an edit");
  });

  it("sends the end of a poll as an Update(Question) with closed", async () => {
    const poll = await postPoll({ options: ["a", "b", "c"], expires_in: HOUR, multiple: true });
    await deliveriesOf(w.all, `${poll.uri}/activity`, 2);
    const now = new Date().toISOString();
    await w.ctx.db.kysely
      .updateTable("polls")
      .set({ expires_at: now })
      .where("id", "=", poll.poll.id)
      .execute();
    await runNow("poll-expiry");
    const got = await updatesOf(poll.uri, 2);
    const question = got[0]!.activity.object;
    assert.equal(question.oneOf, undefined);
    assert.equal(question.anyOf.length, 3);
    assert.equal(Date.parse(question.closed), Date.parse(now));
    assert.equal(Date.parse(question.endTime), Date.parse(now));
  });

  it("sends a local vote in a remote poll to its author, one named Note per option", async () => {
    const dave = w.r2.user("dave");
    const statusUri = `${dave.uri}/statuses/poll1`;
    const statusId = await insertRemoteStatus(w.ctx, dave.accountId, statusUri);
    const pollId = await insertPoll(w.ctx, statusId, dave.accountId, {
      options: ["red", "green", "blue"],
      tallies: [3, 0, 1],
      multiple: true,
      hideTotals: false,
      expiresAt: new Date(Date.now() + HOUR * 1000).toISOString(),
      votersCount: 3,
    });
    const voted = await api(w.base, "POST", `/api/v1/polls/${pollId}/votes`, {
      token: w.lee.token,
      body: { choices: [0, 2] },
    });
    assert.equal(voted.status, 200, JSON.stringify(voted.json));
    // Counted here at once.
    assert.deepEqual(
      voted.json.options.map((o: { votes_count: number }) => o.votes_count),
      [4, 0, 2],
    );
    assert.equal(voted.json.voters_count, 4);
    const leeUri = `${w.base}/users/${w.lee.username}`;
    const got = await deliveriesWhere(
      w.all,
      (d) => d.activity?.type === "Create" && d.activity.object?.inReplyTo === statusUri,
      2,
    );
    assert.equal(got.length, 2);
    assert.deepEqual(
      got.map((d) => d.inbox),
      [dave.inbox, dave.inbox],
    );
    assert.ok(got.every((d) => d.signatureProblem === null));
    const notes = got.map((d) => d.activity.object);
    assert.deepEqual(notes.map((n) => n.name).sort(), ["blue", "red"]);
    for (const { activity } of got) {
      assert.equal(activity.actor, leeUri);
      assert.deepEqual(list(activity.to), [dave.uri]);
      const note = activity.object;
      assert.equal(note.type, "Note");
      assert.equal(note.attributedTo, leeUri);
      assert.deepEqual(list(note.to), [dave.uri]);
      assert.equal(note.content, undefined);
      assert.ok(note.id.startsWith(`${leeUri}#votes/`));
      assert.equal(activity.id, `${note.id}/activity`);
    }
    // The poll's end will be announced to lee.
    const expiry = await w.ctx.db.kysely
      .selectFrom("jobs")
      .select("id")
      .where("queue", "=", "poll-expiry")
      .where("payload", "like", `%${pollId}%`)
      .execute();
    assert.equal(expiry.length, 1);
  });
});
