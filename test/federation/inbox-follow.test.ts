// Follows arriving from other servers, on both databases, through a running Kith and a fake
// remote server: an unlocked account is followed at once and the follower gets an Accept of
// its Follow; a locked account gets a follow request; an Undo ends the follow; Accept and
// Reject of a follow Kith sent settle it; the same Follow twice changes nothing.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

eachServer("inbound follows", (server) => {
  let fake: FakeFediverse;
  let remote: FakeActor;
  let alice: TestUser;
  let locked: TestUser;
  const followUri = () => `${remote.id}#follows/${crypto.randomUUID()}`;
  const accountRow = async (uri: string) =>
    server()
      .kith.ctx.db.kysely.selectFrom("accounts")
      .selectAll()
      .where("uri", "=", uri)
      .executeTakeFirst();

  before(async () => {
    fake = await FakeFediverse.start();
    remote = await fake.actor(`${fake.origin}/users/bob`, { name: "Bob Remote" });
    const { ctx } = server().kith;
    alice = await createUser(ctx, { username: "alice" });
    locked = await createUser(ctx, { username: "locked" });
    await ctx.db.kysely
      .updateTable("accounts")
      .set({ locked: 1 })
      .where("id", "=", locked.accountId)
      .execute();
  });
  after(() => fake.stop());

  it("follows an unlocked account at once and sends an Accept of the Follow", async () => {
    const base = server().url;
    const id = followUri();
    const follow = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id,
      type: "Follow",
      actor: remote.id,
      object: `${base}/users/alice`,
    };
    const response = await fake.post(remote, `${base}/users/alice/inbox`, follow);
    assert.equal(response.status, 202);
    const accept = await fake.waitFor(() =>
      fake.received.find((r) => r.json?.type === "Accept" && r.url === remote.inbox),
    );
    assert.equal(accept.json.actor, `${base}/users/alice`);
    const object = accept.json.object;
    assert.equal(typeof object === "string" ? object : object.id, id);
    const bob = await accountRow(remote.id);
    assert.equal(bob?.display_name, "Bob Remote");
    assert.equal(bob?.domain, new URL(fake.origin).host);
    const followers = await api(base, "GET", `/api/v1/accounts/${alice.accountId}/followers`, {
      token: alice.token,
    });
    assert.deepEqual(
      followers.json.map((a: { acct: string }) => a.acct),
      [`bob@${new URL(fake.origin).host}`],
    );
    const notes = await api(base, "GET", "/api/v1/notifications", { token: alice.token });
    assert.ok(notes.json.some((n: { type: string }) => n.type === "follow"));

    // The same Follow again: still one follower, no second notification.
    await fake.post(remote, `${base}/inbox`, follow);
    await new Promise((r) => setTimeout(r, 500));
    const again = await api(base, "GET", `/api/v1/accounts/${alice.accountId}`, {
      token: alice.token,
    });
    assert.equal(again.json.followers_count, 1);
    const notes2 = await api(base, "GET", "/api/v1/notifications", { token: alice.token });
    assert.equal(notes2.json.filter((n: { type: string }) => n.type === "follow").length, 1);
  });

  it("holds a follow of a locked account as a request, accepted when authorised", async () => {
    const base = server().url;
    const id = followUri();
    await fake.post(remote, `${base}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id,
      type: "Follow",
      actor: remote.id,
      object: `${base}/users/locked`,
    });
    const requests = await fake.waitFor(async () => {
      const r = await api(base, "GET", "/api/v1/follow_requests", { token: locked.token });
      return r.json.length > 0 ? r.json : null;
    });
    assert.equal(requests[0].acct, `bob@${new URL(fake.origin).host}`);
    assert.ok(
      !fake.received.some((r) => r.json?.type === "Accept" && r.json.actor.endsWith("/locked")),
    );
    const bob = await accountRow(remote.id);
    const ok = await api(base, "POST", `/api/v1/follow_requests/${bob!.id}/authorize`, {
      token: locked.token,
    });
    assert.equal(ok.status, 200);
    const accept = await fake.waitFor(() =>
      fake.received.find(
        (r) => r.json?.type === "Accept" && r.json.actor === `${base}/users/locked`,
      ),
    );
    const object = accept.json.object;
    assert.equal(typeof object === "string" ? object : object.id, id);
  });

  it("ends the follow on Undo, found by the Follow's id alone", async () => {
    const base = server().url;
    const id = followUri();
    const follow = { id, type: "Follow", actor: remote.id, object: `${base}/users/alice` };
    const row = async () => {
      const bob = await accountRow(remote.id);
      return server()
        .kith.ctx.db.kysely.selectFrom("follows")
        .selectAll()
        .where("account_id", "=", bob!.id)
        .where("target_account_id", "=", alice.accountId)
        .executeTakeFirst();
    };
    await fake.post(remote, `${base}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${remote.id}#undo/${crypto.randomUUID()}`,
      type: "Undo",
      actor: remote.id,
      object: (await row())!.uri ?? follow,
    });
    await fake.waitFor(async () => !(await row()));
    const account = await api(base, "GET", `/api/v1/accounts/${alice.accountId}`, {
      token: alice.token,
    });
    assert.equal(account.json.followers_count, 0);
  });

  it("settles a follow Kith sent with the remote Accept, and drops it on Reject", async () => {
    const base = server().url;
    const bob = await accountRow(remote.id);
    const followed = await api(base, "POST", `/api/v1/accounts/${bob!.id}/follow`, {
      token: alice.token,
    });
    assert.equal(followed.json.requested, true);
    const sent = await fake.waitFor(() =>
      fake.received.find(
        (r) => r.json?.type === "Follow" && r.json.actor === `${base}/users/alice`,
      ),
    );
    // The Follow embedded as the sender knows it; the id is what must match.
    await fake.post(remote, remote.inbox.replace(remote.inbox, `${base}/inbox`), {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${remote.id}#accepts/${crypto.randomUUID()}`,
      type: "Accept",
      actor: remote.id,
      object: { id: sent.json.id, type: "Follow", actor: `${base}/users/alice`, object: remote.id },
    });
    const relationship = async () =>
      (
        await api(base, "GET", `/api/v1/accounts/relationships?id[]=${bob!.id}`, {
          token: alice.token,
        })
      ).json[0];
    await fake.waitFor(async () => (await relationship()).following === true);
    await fake.post(remote, `${base}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${remote.id}#rejects/${crypto.randomUUID()}`,
      type: "Reject",
      actor: remote.id,
      object: sent.json.id,
    });
    await fake.waitFor(async () => (await relationship()).following === false);
  });

  it("keeps posts that arrive before the Accept of a follow Kith sent, and shows them once it comes", async () => {
    // The other server sends its Accept and its next post through separate queues, so the post
    // may come first; it must not be dropped as "concerning nobody here".
    const base = server().url;
    const carl = await fake.actor(`${fake.origin}/users/carl`);
    const found = await api(
      base,
      "GET",
      `/api/v2/search?q=${encodeURIComponent(carl.id)}&resolve=true&type=accounts`,
      { token: alice.token },
    );
    const carlHere = found.json.accounts[0];
    const followed = await api(base, "POST", `/api/v1/accounts/${carlHere.id}/follow`, {
      token: alice.token,
    });
    assert.equal(followed.json.requested, true);
    const sent = await fake.waitFor(() =>
      fake.received.find((r) => r.json?.type === "Follow" && r.json.object === carl.id),
    );
    const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
    const notes = [
      { to: [PUBLIC], cc: [carl.followers] },
      { to: [carl.followers], cc: [] },
    ].map((addressing, i) => ({
      id: `${carl.id}/statuses/early-${i}-${crypto.randomUUID()}`,
      type: "Note",
      attributedTo: carl.id,
      content: `<p>before the Accept ${i}</p>`,
      published: new Date(Date.now() - 1000 + i).toISOString(),
      ...addressing,
    }));
    for (const note of notes) {
      const response = await fake.post(carl, `${base}/inbox`, {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${note.id}/activity`,
        type: "Create",
        actor: carl.id,
        to: note.to,
        cc: note.cc,
        object: note,
      });
      assert.equal(response.status, 202);
    }
    const db = server().kith.ctx.db.kysely;
    const rows = await fake.waitFor(async () => {
      const found = await db
        .selectFrom("statuses")
        .select(["id", "uri"])
        .where(
          "uri",
          "in",
          notes.map((n) => n.id),
        )
        .execute();
      return found.length === 2 ? found : null;
    });
    const followersOnly = rows.find((r) => r.uri === notes[1]!.id)!;
    // Not a follower yet: the followers-only post stays hidden from alice until the Accept.
    const early = await api(base, "GET", `/api/v1/statuses/${followersOnly.id}`, {
      token: alice.token,
    });
    assert.equal(early.status, 404);

    await fake.post(carl, `${base}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${carl.id}#accepts/${crypto.randomUUID()}`,
      type: "Accept",
      actor: carl.id,
      object: sent.json.id,
    });
    const home = await fake.waitFor(async () => {
      const r = await api(base, "GET", "/api/v1/timelines/home", { token: alice.token });
      const uris = r.json.map((s: { uri: string }) => s.uri);
      return notes.every((n) => uris.includes(n.id)) ? uris : null;
    });
    assert.ok(home);
    const later = await api(base, "GET", `/api/v1/statuses/${followersOnly.id}`, {
      token: alice.token,
    });
    assert.equal(later.status, 200);
  });
});
