// Suspensions as other servers hear of them, on both databases, with a fake remote server: a
// suspended local account's actor goes out again in an Update saying `suspended` (and again
// without it when lifted), as Mastodon's SuspendAccountService and UnsuspendAccountService
// do; suspending a remote account rejects its follows of local accounts (it is told with a
// Reject) and ends local follows of it.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];

eachServer("outbound suspensions", (server) => {
  let fake: FakeFediverse;
  let bob: FakeActor;
  let eve: FakeActor;
  let alice: TestUser;
  let carol: TestUser;
  let admin: TestUser;
  const base = () => server().url;
  const ctx = () => server().kith.ctx;
  const followFrom = async (actor: FakeActor, username: string) => {
    const id = `${actor.id}#follows/${crypto.randomUUID()}`;
    const r = await fake.post(actor, `${base()}/users/${username}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id,
      type: "Follow",
      actor: actor.id,
      object: `${base()}/users/${username}`,
    });
    assert.equal(r.status, 202);
    await fake.waitFor(() =>
      fake.received.find((d) => d.json?.type === "Accept" && d.url === actor.inbox),
    );
    return id;
  };
  const updatesOf = (username: string) =>
    fake.received.filter(
      (d) => d.json?.type === "Update" && d.json.actor === `${base()}/users/${username}`,
    );
  const act = async (id: string, path: string, body?: unknown) => {
    const r = await api(base(), "POST", `/api/v1/admin/accounts/${id}/${path}`, {
      token: admin.token,
      body: body ?? {},
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
  };

  before(async () => {
    fake = await FakeFediverse.start();
    bob = await fake.actor(`${fake.origin}/users/bob`);
    eve = await fake.actor(`${fake.origin}/users/eve`);
    alice = await createUser(ctx(), { username: "alice" });
    carol = await createUser(ctx(), { username: "carol" });
    admin = await createUser(ctx(), { username: "boss", role: "admin", scopes: STAFF_SCOPES });
    await followFrom(bob, "alice");
  });
  after(() => fake.stop());

  it("sends remote followers an Update of a suspended actor, and another when lifted", async () => {
    await act(alice.accountId, "action", { type: "suspend" });
    const update = await fake.waitFor(() => updatesOf("alice")[0]);
    const object = update.json.object;
    assert.equal(object.id, `${base()}/users/alice`);
    assert.equal(object.suspended, true);
    assert.equal(object.summary ?? "", "");
    // The follow stays: the suspension can be lifted.
    const follows = await ctx()
      .db.kysely.selectFrom("follows")
      .select("id")
      .where("target_account_id", "=", alice.accountId)
      .execute();
    assert.equal(follows.length, 1);
    assert.ok(
      !fake.received.some((d) => d.json?.type === "Reject" && d.url === bob.inbox),
      "a local suspension rejects nobody",
    );

    await act(alice.accountId, "unsuspend");
    const lifted = await fake.waitFor(() => updatesOf("alice")[1]);
    assert.notEqual(lifted.json.object.suspended, true);
    assert.equal(lifted.json.object.preferredUsername, "alice");
  });

  it("rejects a suspended remote account's follows and ends local follows of it", async () => {
    const followId = await followFrom(eve, "carol");
    await fake.followedBy(ctx(), eve, carol.accountId);
    const eveRow = await ctx()
      .db.kysely.selectFrom("accounts")
      .select("id")
      .where("uri", "=", eve.id)
      .executeTakeFirstOrThrow();
    const before = await api(base(), "GET", `/api/v1/accounts/${carol.accountId}`, {
      token: carol.token,
    });
    assert.deepEqual([before.json.followers_count, before.json.following_count], [1, 1]);

    await act(eveRow.id, "action", { type: "suspend" });
    const reject = await fake.waitFor(() =>
      fake.received.find((d) => d.json?.type === "Reject" && d.url === eve.inbox),
    );
    assert.equal(reject.json.actor, `${base()}/users/carol`);
    const object = reject.json.object;
    assert.equal(typeof object === "string" ? object : object.id, followId);
    const after = await api(base(), "GET", `/api/v1/accounts/${carol.accountId}`, {
      token: carol.token,
    });
    assert.deepEqual([after.json.followers_count, after.json.following_count], [0, 0]);
    const rel = await api(
      base(),
      "GET",
      `/api/v1/accounts/relationships?id[]=${eveRow.id}&with_suspended=true`,
      { token: carol.token },
    );
    assert.equal(rel.json[0].following, false);
    assert.equal(rel.json[0].followed_by, false);
  });
});
