// Polls over real HTTP on both databases, driven by masto.js as clients drive them: posting a
// poll (JSON and form bodies), reading and voting, each of Mastodon's refusals with its 422
// message, hidden totals, multiple choice, the visibility rule, and the `poll` notification
// that the worker sends to the author and the voters when a poll ends. Responses are checked
// against Mastodon's OpenAPI schema.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createRestAPIClient, type mastodon } from "masto";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { follow } from "./statuses-fixtures.ts";

const HOUR = 3600;
const validate = OPENAPI_SKIP_REASON
  ? async () => {}
  : (method: string, path: string, res: { status: number; json: unknown }) =>
      validateResponse(method, path, res.status, res.json);

eachServer("polls", (server) => {
  let alice: TestUser; // posts the polls
  let bob: TestUser; // follows alice
  let carol: TestUser; // does not
  let asAlice: mastodon.rest.Client;
  let asBob: mastodon.rest.Client;
  const base = () => server().url;
  const db = () => server().kith.ctx.db.kysely;
  const client = (user: TestUser) => createRestAPIClient({ url: base(), accessToken: user.token });

  before(async () => {
    const { ctx } = server().kith;
    alice = await createUser(ctx, { username: "alice" });
    bob = await createUser(ctx, { username: "bob" });
    carol = await createUser(ctx, { username: "carol" });
    await follow(ctx, bob, alice);
    asAlice = client(alice);
    asBob = client(bob);
  });

  const postPoll = (
    user: TestUser,
    poll: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) =>
    api(base(), "POST", "/api/v1/statuses", {
      token: user.token,
      body: { status: "Q?", poll, ...extra },
    });
  const vote = (user: TestUser, pollId: string, choices: unknown) =>
    api(base(), "POST", `/api/v1/polls/${pollId}/votes`, { token: user.token, body: { choices } });
  const refused = async (res: { status: number; json: { error?: string } }, message: string) => {
    assert.equal(res.status, 422, JSON.stringify(res.json));
    assert.equal(res.json.error, `Validation failed: ${message}`);
  };

  let single: mastodon.v1.Status;
  it("posts a poll with masto.js and shows it on the status", async () => {
    single = await asAlice.v1.statuses.create({
      status: "Tea or coffee?",
      poll: { options: ["Tea", "Coffee", "Water"], expiresIn: HOUR },
    });
    const poll = single.poll;
    assert.ok(poll);
    assert.equal(poll.multiple, false);
    assert.equal(poll.expired, false);
    assert.equal(poll.votesCount, 0);
    assert.equal(poll.votersCount, null);
    assert.deepEqual(
      poll.options.map((o) => [o.title, o.votesCount]),
      [
        ["Tea", 0],
        ["Coffee", 0],
        ["Water", 0],
      ],
    );
    // The author counts as having voted (Mastodon), with no votes of her own.
    assert.equal(poll.voted, true);
    assert.deepEqual(poll.ownVotes, []);
    const ends = Date.parse(poll.expiresAt ?? "") - Date.now();
    assert.ok(ends > (HOUR - 60) * 1000 && ends <= HOUR * 1000, `ends in ${ends} ms`);
    const got = await api(base(), "GET", `/api/v1/statuses/${single.id}`, { token: bob.token });
    await validate("GET", `/api/v1/statuses/${single.id}`, got);
    assert.equal(got.json.poll.id, poll.id);
    assert.equal(got.json.poll.voted, false);
  });

  it("reads a poll and votes in it with masto.js", async () => {
    const pollId = single.poll!.id;
    const fetched = await asBob.v1.polls.$select(pollId).fetch();
    assert.equal(fetched.voted, false);
    const after = await asBob.v1.polls.$select(pollId).votes.create({ choices: [1] });
    assert.equal(after.voted, true);
    assert.deepEqual(after.ownVotes, [1]);
    assert.equal(after.votesCount, 1);
    assert.deepEqual(
      after.options.map((o) => o.votesCount),
      [0, 1, 0],
    );
    const anonymous = await api(base(), "GET", `/api/v1/polls/${pollId}`);
    await validate("GET", `/api/v1/polls/${pollId}`, anonymous);
    assert.equal(anonymous.json.votes_count, 1);
    assert.ok(!("voted" in anonymous.json) && !("own_votes" in anonymous.json));
    const mine = await api(base(), "GET", `/api/v1/polls/${pollId}`, { token: bob.token });
    assert.deepEqual(mine.json.own_votes, [1]);
  });

  it("shows the poll on the status page", async () => {
    const page = await fetch(`${base()}/@alice/${single.id}`, { headers: { Accept: "text/html" } });
    assert.equal(page.status, 200);
    const text = await page.text();
    assert.match(text, /<ul class="poll">/);
    assert.match(text, /<li>Coffee <span class="meta">1 vote<\/span><\/li>/);
    assert.match(text, /Poll ends/);
  });

  it("refuses each broken rule with Mastodon's 422", async () => {
    const pollId = single.poll!.id;
    await refused(await vote(bob, pollId, [0]), "You have already voted on this poll");
    await refused(await vote(alice, pollId, [0]), "You cannot vote in your own polls");
    await refused(await vote(carol, pollId, [3]), "The chosen vote option does not exist");
    await refused(await vote(carol, pollId, ["x"]), "The chosen vote option does not exist");
    await refused(await vote(carol, pollId, [0, 2]), "You have already voted on this poll");
    const missing = await vote(carol, pollId, []);
    assert.equal(missing.status, 400);
    // None of those counted.
    const poll = await api(base(), "GET", `/api/v1/polls/${pollId}`, { token: carol.token });
    assert.equal(poll.json.votes_count, 1);
    assert.equal(poll.json.voted, false);
    // Voting after the end.
    const ended = await postPoll(alice, { options: ["a", "b"], expires_in: HOUR });
    await db()
      .updateTable("polls")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", ended.json.poll.id)
      .execute();
    await refused(await vote(bob, ended.json.poll.id, [0]), "The poll has already ended");
    const closed = await api(base(), "GET", `/api/v1/polls/${ended.json.poll.id}`);
    assert.equal(closed.json.expired, true);
  });

  it("counts voters of a multiple-choice poll once, votes per option", async () => {
    const res = await postPoll(alice, {
      options: ["a", "b", "c"],
      expires_in: HOUR,
      multiple: true,
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    await validate("POST", "/api/v1/statuses", res);
    const pollId = res.json.poll.id;
    assert.equal(res.json.poll.multiple, true);
    assert.equal(res.json.poll.voters_count, 0);
    const voted = await vote(bob, pollId, [0, 2]);
    await validate("POST", `/api/v1/polls/${pollId}/votes`, voted);
    assert.equal(voted.json.votes_count, 2);
    assert.equal(voted.json.voters_count, 1);
    assert.deepEqual(voted.json.own_votes, [0, 2]);
    await refused(await vote(bob, pollId, [2]), "You have already voted on this poll");
    await refused(await vote(carol, pollId, [1, 1]), "You have already voted on this poll");
    const more = await vote(carol, pollId, ["1"]);
    assert.equal(more.json.votes_count, 3);
    assert.equal(more.json.voters_count, 2);
    assert.deepEqual(
      more.json.options.map((o: { votes_count: number }) => o.votes_count),
      [1, 1, 1],
    );
  });

  it("hides totals from all but the author until the poll ends", async () => {
    const res = await postPoll(alice, { options: ["a", "b"], expires_in: HOUR, hide_totals: true });
    const pollId = res.json.poll.id;
    const voted = await vote(bob, pollId, [1]);
    assert.equal(voted.status, 200);
    assert.deepEqual(
      voted.json.options.map((o: { votes_count: number | null }) => o.votes_count),
      [null, null],
    );
    assert.equal(voted.json.votes_count, 1);
    const asAuthor = await api(base(), "GET", `/api/v1/polls/${pollId}`, { token: alice.token });
    assert.deepEqual(
      asAuthor.json.options.map((o: { votes_count: number | null }) => o.votes_count),
      [0, 1],
    );
    await db()
      .updateTable("polls")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", pollId)
      .execute();
    const ended = await api(base(), "GET", `/api/v1/polls/${pollId}`, { token: carol.token });
    await validate("GET", `/api/v1/polls/${pollId}`, ended);
    assert.deepEqual(
      ended.json.options.map((o: { votes_count: number | null }) => o.votes_count),
      [0, 1],
    );
  });

  it("checks a new poll against the limits the instance announces", async () => {
    const instance = await api(base(), "GET", "/api/v2/instance");
    const limits = instance.json.configuration.polls;
    const options = (n: number) => Array.from({ length: n }, (_, i) => `option ${i}`);
    assert.equal(
      (await postPoll(alice, { options: options(limits.max_options), expires_in: HOUR })).status,
      200,
    );
    await refused(
      await postPoll(alice, { options: options(limits.max_options + 1), expires_in: HOUR }),
      `Poll options can't contain more than ${limits.max_options} items`,
    );
    await refused(
      await postPoll(alice, { options: ["only"], expires_in: HOUR }),
      "Poll options must have more than one item",
    );
    await refused(
      await postPoll(alice, { options: ["same", "same"], expires_in: HOUR }),
      "Poll options contain duplicate items",
    );
    const long = "é".repeat(limits.max_characters_per_option);
    assert.equal((await postPoll(alice, { options: [long, "b"], expires_in: HOUR })).status, 200);
    await refused(
      await postPoll(alice, { options: [`${long}x`, "b"], expires_in: HOUR }),
      `Poll options cannot be longer than ${limits.max_characters_per_option} characters each`,
    );
    assert.equal(
      (await postPoll(alice, { options: ["a", "b"], expires_in: limits.min_expiration })).status,
      200,
    );
    await refused(
      await postPoll(alice, { options: ["a", "b"], expires_in: limits.min_expiration - 1 }),
      "Poll expires at is too soon",
    );
    assert.equal(
      (await postPoll(alice, { options: ["a", "b"], expires_in: limits.max_expiration })).status,
      200,
    );
    await refused(
      await postPoll(alice, { options: ["a", "b"], expires_in: limits.max_expiration + 1 }),
      "Poll expires at is too far into the future",
    );
    await refused(await postPoll(alice, { options: ["a", "b"] }), "Poll expires at is too soon");
    const notObject = await postPoll(alice, "nonsense" as unknown as Record<string, unknown>);
    assert.equal(notObject.status, 422);
    // Nothing refused was stored.
    const rows = await db()
      .selectFrom("polls")
      .select("id")
      .where("account_id", "=", alice.accountId)
      .execute();
    const statuses = await api(
      base(),
      "GET",
      `/api/v1/accounts/${alice.accountId}/statuses?limit=40`,
    );
    const withPolls = statuses.json.filter((s: { poll: unknown }) => s.poll !== null);
    assert.equal(rows.length, withPolls.length);
  });

  it("takes a poll from a form body with Rails-style keys", async () => {
    const form = new URLSearchParams();
    form.append("status", "Form poll");
    form.append("poll[options][]", "Yes");
    form.append("poll[options][]", "No");
    form.append("poll[expires_in]", "600");
    form.append("poll[multiple]", "true");
    form.append("poll[hide_totals]", "false");
    const res = await fetch(`${base()}/api/v1/statuses`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${alice.token}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: form.toString(),
    });
    // biome-ignore lint/suspicious/noExplicitAny: read field by field
    const json = (await res.json()) as any;
    assert.equal(res.status, 200, JSON.stringify(json));
    assert.deepEqual(
      json.poll.options.map((o: { title: string }) => o.title),
      ["Yes", "No"],
    );
    assert.equal(json.poll.multiple, true);
    const voted = await fetch(`${base()}/api/v1/polls/${json.poll.id}/votes`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${bob.token}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "choices[]=0&choices[]=1",
    });
    assert.equal(voted.status, 200);
    assert.deepEqual(((await voted.json()) as { own_votes: number[] }).own_votes, [0, 1]);
  });

  it("shows a poll only to those who may see its status", async () => {
    const res = await postPoll(
      alice,
      { options: ["a", "b"], expires_in: HOUR },
      { visibility: "private" },
    );
    const pollId = res.json.poll.id;
    assert.equal((await api(base(), "GET", `/api/v1/polls/${pollId}`)).status, 404);
    assert.equal(
      (await api(base(), "GET", `/api/v1/polls/${pollId}`, { token: carol.token })).status,
      404,
    );
    assert.equal((await vote(carol, pollId, [0])).status, 404);
    assert.equal((await vote(bob, pollId, [0])).status, 200);
    assert.equal((await api(base(), "GET", "/api/v1/polls/123456789012345678")).status, 404);
    assert.equal((await api(base(), "GET", "/api/v1/polls/nonsense")).status, 404);
  });

  it("notifies the author and the voters through the worker when the poll ends", async () => {
    const res = await postPoll(alice, { options: ["a", "b"], expires_in: HOUR });
    const { id: pollId } = res.json.poll;
    assert.equal((await vote(bob, pollId, [0])).status, 200);
    assert.equal((await vote(carol, pollId, [1])).status, 200);
    const job = await db()
      .selectFrom("jobs")
      .select(["id", "run_at"])
      .where("queue", "=", "poll-expiry")
      .where("payload", "like", `%${pollId}%`)
      .executeTakeFirstOrThrow();
    assert.equal(job.run_at, res.json.poll.expires_at);
    // The poll ends now: its end time and its job are moved, and the worker does the rest.
    const now = new Date().toISOString();
    await db().updateTable("polls").set({ expires_at: now }).where("id", "=", pollId).execute();
    await db().updateTable("jobs").set({ run_at: now }).where("id", "=", job.id).execute();
    const pollNotifications = async (user: TestUser) =>
      (
        await api(base(), "GET", "/api/v1/notifications?types[]=poll", { token: user.token })
      ).json.filter(
        (n: { type: string; status: { id: string } }) =>
          n.type === "poll" && n.status.id === res.json.id,
      );
    const started = Date.now();
    while ((await pollNotifications(carol)).length === 0 && Date.now() - started < 15_000)
      await sleep(100);
    for (const user of [alice, bob, carol]) {
      const got = await pollNotifications(user);
      assert.equal(got.length, 1, `${user.username}: ${JSON.stringify(got)}`);
      assert.equal(got[0].account.id, alice.accountId);
      assert.equal(got[0].status.poll.expired, true);
      await validate("GET", "/api/v1/notifications", { status: 200, json: got });
    }
    const left = await db().selectFrom("jobs").select("id").where("id", "=", job.id).execute();
    assert.deepEqual(left, []);
  });
});
