// Polls from and to another server, on both databases, through a running Kith and a fake
// remote: Mastodon's Create(Question) (the shared fixture) is stored as a poll and refreshed by
// an Update(Question); votes in a local poll, arriving as Create(Note) named after an option,
// are counted once per voter (per option in a multiple-choice poll), never after the end, and
// never shown as statuses; when a remote poll a local account voted in ends, that account is
// notified.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { AS_CONTEXT, type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { FIXTURES } from "../helpers/fixture-harness.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const FIXTURE_ACTOR = "https://mastodon.sdf.org/users/rinpatch";
const HOUR = 3600;

eachServer("inbound polls", (server) => {
  let fake: FakeFediverse;
  let bob: FakeActor;
  let alice: TestUser; // follows bob
  let n = 0;
  const base = () => server().url;
  const db = () => server().kith.ctx.db.kysely;
  const aliceUri = () => `${base()}/users/alice`;
  const deliver = (activity: unknown) => fake.post(bob, `${base()}/inbox`, activity);
  const statusByUri = (uri: string) =>
    db().selectFrom("statuses").selectAll().where("uri", "=", uri).executeTakeFirst();
  const getPoll = (id: string, user?: TestUser) =>
    api(base(), "GET", `/api/v1/polls/${id}`, user ? { token: user.token } : {});

  /** Mastodon's poll fixture, as if bob had posted it; `endTime` moved when asked. */
  function fixtureQuestion(endTime?: string) {
    n++;
    const text = readFileSync(join(FIXTURES, "mastodon/create-question-poll.json"), "utf8");
    const create = JSON.parse(text.replaceAll(FIXTURE_ACTOR, bob.id));
    create.id = `${create.id}${n}`;
    create.object.id = `${create.object.id}${n}`;
    if (endTime) create.object.endTime = endTime;
    return create;
  }

  /** A vote as Mastodon sends it: a Note named after the option, to the poll's author. */
  function voteFor(questionUri: string, name: string, extra: Record<string, unknown> = {}) {
    n++;
    const id = `${bob.id}#votes/${n}`;
    return {
      "@context": AS_CONTEXT,
      id: `${id}/activity`,
      type: "Create",
      actor: bob.id,
      to: aliceUri(),
      object: {
        id,
        type: "Note",
        name,
        attributedTo: bob.id,
        inReplyTo: questionUri,
        to: aliceUri(),
        ...extra,
      },
    };
  }

  before(async () => {
    fake = await FakeFediverse.start();
    bob = await fake.actor(`${fake.origin}/users/bob`);
    const { ctx } = server().kith;
    alice = await createUser(ctx, { username: "alice" });
    await fake.followedBy(ctx, bob, alice.accountId);
  });
  after(() => fake.stop());

  it("stores Mastodon's Create(Question) as a status with a poll, and refreshes it on Update", async () => {
    const create = fixtureQuestion();
    assert.equal((await deliver(create)).status, 202);
    const row = await fake.waitFor(() => statusByUri(create.object.id));
    const status = await api(base(), "GET", `/api/v1/statuses/${row.id}`, { token: alice.token });
    const { poll } = status.json;
    assert.ok(poll, JSON.stringify(status.json));
    assert.deepEqual(
      poll.options.map((o: { title: string; votes_count: number }) => [o.title, o.votes_count]),
      [
        ["Dunno", 0],
        ["Everyone knows that!", 1],
        ["25 char limit is dumb", 0],
        ["I can't even fit a funny", 1],
      ],
    );
    assert.equal(poll.votes_count, 2);
    assert.equal(poll.multiple, false);
    assert.equal(poll.expired, true);
    assert.equal(poll.expires_at, "2019-05-11T09:03:36.000Z");
    assert.doesNotMatch(status.json.content, /Dunno/);

    // New tallies, without `updated`: not an edit, the poll only.
    const question = structuredClone(create.object);
    question.oneOf[0].replies.totalItems = 5;
    question.votersCount = 7;
    await deliver({
      "@context": create["@context"],
      id: `${question.id}#updates/1`,
      type: "Update",
      actor: bob.id,
      to: question.to,
      cc: question.cc,
      object: question,
    });
    const refreshed = await fake.waitFor(async () => {
      const got = await getPoll(poll.id, alice);
      return got.json.votes_count === 7 ? got.json : null;
    });
    assert.deepEqual(
      refreshed.options.map((o: { votes_count: number }) => o.votes_count),
      [5, 1, 0, 1],
    );
    const rows = await db()
      .selectFrom("statuses")
      .select("id")
      .where("uri", "=", question.id)
      .execute();
    assert.equal(rows.length, 1);
  });

  it("counts a remote vote in a local poll once, and never shows it as a status", async () => {
    const posted = await api(base(), "POST", "/api/v1/statuses", {
      token: alice.token,
      body: { status: "Tea?", poll: { options: ["Tea", "Coffee"], expires_in: HOUR } },
    });
    const { uri } = posted.json;
    const pollId = posted.json.poll.id;
    const vote = voteFor(uri, "Coffee");
    assert.equal((await deliver(vote)).status, 202);
    await fake.waitFor(async () => (await getPoll(pollId)).json.votes_count === 1);
    const counted = await db()
      .selectFrom("poll_votes")
      .selectAll()
      .where("poll_id", "=", pollId)
      .execute();
    assert.deepEqual(
      counted.map((v) => [v.choice, v.uri]),
      [[1, vote.object.id]],
    );
    // The same vote again, another vote by bob, and one for an option that does not exist.
    await deliver(vote);
    await deliver(voteFor(uri, "Tea"));
    await deliver(voteFor(uri, "Milk"));
    await sleep(1000);
    const poll = (await getPoll(pollId)).json;
    assert.equal(poll.votes_count, 1);
    assert.deepEqual(
      poll.options.map((o: { votes_count: number }) => o.votes_count),
      [0, 1],
    );
    assert.equal(await statusByUri(vote.object.id), undefined);
    // Its new tallies are due to go out.
    const update = await db()
      .selectFrom("jobs")
      .select("id")
      .where("queue", "=", "poll-update")
      .execute();
    assert.equal(update.length, 1);
  });

  it("counts one vote per option in a multiple-choice poll, and none after the end", async () => {
    const posted = await api(base(), "POST", "/api/v1/statuses", {
      token: alice.token,
      body: {
        status: "Which?",
        poll: { options: ["a", "b", "c"], expires_in: HOUR, multiple: true },
      },
    });
    const { uri } = posted.json;
    const pollId = posted.json.poll.id;
    await deliver(voteFor(uri, "a"));
    await deliver(voteFor(uri, "c"));
    await deliver(voteFor(uri, "c"));
    const poll = await fake.waitFor(async () => {
      const got = (await getPoll(pollId)).json;
      return got.votes_count === 2 ? got : null;
    });
    await sleep(500);
    const again = (await getPoll(pollId)).json;
    assert.equal(again.votes_count, 2);
    assert.equal(poll.voters_count, 1);
    assert.deepEqual(
      again.options.map((o: { votes_count: number }) => o.votes_count),
      [1, 0, 1],
    );
    // Not addressed to the author: not a vote Kith counts.
    await deliver(voteFor(uri, "b", { to: "https://www.w3.org/ns/activitystreams#Public" }));
    await sleep(1000);
    assert.equal((await getPoll(pollId)).json.votes_count, 2);
    await db()
      .updateTable("polls")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", pollId)
      .execute();
    await deliver(voteFor(uri, "b"));
    await sleep(1000);
    assert.equal((await getPoll(pollId)).json.votes_count, 2);
  });

  it("counts no vote from someone a followers-only poll was not shown to", async () => {
    const posted = await api(base(), "POST", "/api/v1/statuses", {
      token: alice.token,
      body: {
        status: "Friends?",
        visibility: "private",
        poll: { options: ["yes", "no"], expires_in: HOUR },
      },
    });
    const pollId = posted.json.poll.id;
    await deliver(voteFor(posted.json.uri, "yes"));
    await sleep(1000);
    assert.equal((await getPoll(pollId, alice)).json.votes_count, 0);
  });

  it("notifies a local voter when a remote poll ends", async () => {
    const endTime = new Date(Date.now() + HOUR * 1000).toISOString();
    const create = fixtureQuestion(endTime);
    await deliver(create);
    const row = await fake.waitFor(() => statusByUri(create.object.id));
    const status = await api(base(), "GET", `/api/v1/statuses/${row.id}`, { token: alice.token });
    const pollId = status.json.poll.id;
    const voted = await api(base(), "POST", `/api/v1/polls/${pollId}/votes`, {
      token: alice.token,
      body: { choices: [0] },
    });
    assert.equal(voted.status, 200, JSON.stringify(voted.json));
    // The vote went to bob's inbox as a Note named after the option.
    const sent = await fake.waitFor(() =>
      fake.received.find((r) => r.json?.object?.inReplyTo === create.object.id),
    );
    assert.equal(sent.json.object.name, "Dunno");
    // The poll ends now.
    const now = new Date().toISOString();
    await db().updateTable("polls").set({ expires_at: now }).where("id", "=", pollId).execute();
    await db()
      .updateTable("jobs")
      .set({ run_at: now })
      .where("queue", "=", "poll-expiry")
      .where("payload", "like", `%${pollId}%`)
      .execute();
    const notification = await fake.waitFor(async () => {
      const list = await api(base(), "GET", "/api/v1/notifications", { token: alice.token });
      return list.json.find(
        (x: { type: string; status?: { id: string } }) =>
          x.type === "poll" && x.status?.id === row.id,
      );
    });
    assert.equal(notification.account.url ?? notification.account.uri, bob.id);
    assert.equal(notification.status.poll.expired, true);
  });
});
