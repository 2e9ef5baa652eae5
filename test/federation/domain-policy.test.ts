// The federation policy at work, on both databases, with a running Kith and fake remote servers
// on loopback: suspending a server ends follows with it both ways and sends it nothing; its
// activities are refused before anything is stored (row counts unchanged), as are fetches of
// its objects during search and its signed fetches; Flags from a reject_reports server are
// dropped; a silenced server's posts reach only its followers (home timelines, notifications),
// not public or tag timelines; in allowlist mode only allowed servers federate.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { signRequest } from "@fedify/fedify";
import { AS_CONTEXT, type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { PUBLIC } from "../helpers/recording-inbox.ts";
import { rowCounts } from "../helpers/row-counts.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];
const STORED = [
  "accounts",
  "statuses",
  "status_mentions",
  "notifications",
  "follows",
  "follow_requests",
  "reports",
  "favourites",
] as const;

let n = 0;
function note(actor: FakeActor, extra: Record<string, unknown> = {}) {
  n++;
  return {
    id: `${actor.id}/statuses/${Date.now()}${n}`,
    type: "Note",
    attributedTo: actor.id,
    content: `<p>note ${n}</p>`,
    published: new Date().toISOString(),
    to: [PUBLIC],
    cc: [actor.followers],
    ...extra,
  };
}
const create = (actor: FakeActor, object: Record<string, unknown>) => ({
  "@context": [...AS_CONTEXT, { Hashtag: "as:Hashtag" }],
  id: `${object.id}/activity`,
  type: "Create",
  actor: actor.id,
  to: object.to,
  cc: object.cc,
  object,
});

/** A GET of `url` as ActivityPub, signed with the actor's key. */
async function signedGet(actor: FakeActor, url: string): Promise<Response> {
  const request = new Request(url, { headers: { Accept: "application/activity+json" } });
  return fetch(await signRequest(request, actor.privateKey, new URL(actor.keyId)));
}

eachServer("federation policy enforced", (server) => {
  let fake: FakeFediverse; // 127.0.0.1:P is friendly; localhost:P is the suspended server
  let flagger: FakeFediverse; // 127.0.0.1:Q: reports rejected
  let quiet: FakeFediverse; // 127.0.0.1:R: silenced
  let good: FakeActor;
  let evil: FakeActor;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  const base = () => server().url;
  const ctx = () => server().kith.ctx;
  const db = () => ctx().db.kysely;
  const get = (path: string, user?: TestUser) =>
    api(base(), "GET", path, user ? { token: user.token } : {});
  const block = async (body: Record<string, unknown>) => {
    const r = await api(base(), "POST", "/api/v1/admin/domain_blocks", {
      token: admin.token,
      body,
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json;
  };
  const accountOf = (uri: string) =>
    db().selectFrom("accounts").selectAll().where("uri", "=", uri).executeTakeFirst();
  const postStatus = async (user: TestUser, status: string) => {
    const r = await api(base(), "POST", "/api/v1/statuses", {
      token: user.token,
      body: { status },
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json as { id: string; uri: string };
  };
  const receivedOn = (f: FakeFediverse, origin: string) =>
    f.received.filter((r) => r.url.startsWith(origin));

  before(async () => {
    fake = await FakeFediverse.start();
    flagger = await FakeFediverse.start();
    quiet = await FakeFediverse.start();
    good = await fake.actor(`${fake.origin}/users/good`);
    evil = await fake.actor(`${fake.altOrigin}/users/evil`);
    admin = await createUser(ctx(), { username: "boss", role: "admin", scopes: STAFF_SCOPES });
    alice = await createUser(ctx(), { username: "alice" });
    bob = await createUser(ctx(), { username: "bob" });
  });
  after(async () => {
    await fake.stop();
    await flagger.stop();
    await quiet.stop();
  });

  it("suspending a server ends follows with it both ways and delivers nothing to it", async () => {
    // evil follows alice through its inbox; alice follows evil; good follows alice.
    const follow = (actor: FakeActor) => ({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${actor.id}#follows/${crypto.randomUUID()}`,
      type: "Follow",
      actor: actor.id,
      object: `${base()}/users/alice`,
    });
    for (const actor of [evil, good])
      assert.equal(
        (await fake.post(actor, `${base()}/users/alice/inbox`, follow(actor))).status,
        202,
      );
    await fake.waitFor(async () => {
      const r = await get(`/api/v1/accounts/${alice.accountId}`);
      return (r.json as { followers_count: number }).followers_count === 2;
    });
    // Everything sent before the block has arrived (the Accept of its Follow).
    await fake.waitFor(() =>
      receivedOn(fake, fake.altOrigin).find((r) => r.json?.type === "Accept"),
    );
    await fake.followedBy(ctx(), evil, alice.accountId);
    await fake.waitFor(() =>
      receivedOn(fake, fake.altOrigin).find((r) => r.json?.type === "Follow"),
    );
    const evilId = (await accountOf(evil.id))!.id;

    const created = await block({ domain: "localhost", severity: "suspend" });
    const evilRow = await accountOf(evil.id);
    assert.equal(evilRow?.suspended_at, created.created_at, "marked with the block's time");
    const left = await db()
      .selectFrom("follows")
      .select("id")
      .where((eb) => eb.or([eb("account_id", "=", evilId), eb("target_account_id", "=", evilId)]))
      .execute();
    assert.deepEqual(left, [], "no follow left either way");
    const me = await get(`/api/v1/accounts/${alice.accountId}`);
    assert.equal(me.json.followers_count, 1);
    assert.equal(me.json.following_count, 0);

    // A post reaches good (the control) and nothing at all goes to the suspended host.
    const evilBefore = receivedOn(fake, fake.altOrigin).length;
    const status = await postStatus(alice, "hello, friends");
    await fake.waitFor(() =>
      receivedOn(fake, fake.origin).find(
        (r) => r.json?.type === "Create" && r.json.object?.id === status.uri,
      ),
    );
    await sleep(500);
    assert.equal(
      receivedOn(fake, fake.altOrigin).length,
      evilBefore,
      "no Undo, Reject or Create to it",
    );
  });

  it("refuses the suspended server's activities before storing anything", async () => {
    const before = await rowCounts(ctx().db, STORED);
    const stranger = await fake.actor(`${fake.altOrigin}/users/stranger`);
    const aliceUri = `${base()}/users/alice`;
    const object = note(evil, {
      tag: [{ type: "Mention", href: aliceUri, name: "@alice" }],
      cc: [aliceUri],
    });
    const refused = await fake.post(evil, `${base()}/users/alice/inbox`, create(evil, object));
    assert.equal(refused.status, 403);
    assert.equal(typeof ((await refused.json()) as { error: unknown }).error, "string");
    const fromStranger = await fake.post(stranger, `${base()}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${stranger.id}#follow`,
      type: "Follow",
      actor: stranger.id,
      object: aliceUri,
    });
    assert.equal(fromStranger.status, 403);

    // Relayed by a friendly server: an Announce of its post is accepted, and its post ignored.
    fake.serve(object.id, { "@context": AS_CONTEXT, ...object });
    const announce = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${good.id}/announces/${crypto.randomUUID()}`,
      type: "Announce",
      actor: good.id,
      object: object.id,
      to: [PUBLIC],
    };
    assert.equal((await fake.post(good, `${base()}/inbox`, announce)).status, 202);

    // Search does not ask it either, by URL or by handle.
    const requestedBefore = fake.requested.length;
    const byUrl = await get(
      `/api/v2/search?q=${encodeURIComponent(object.id)}&resolve=true`,
      alice,
    );
    assert.equal(byUrl.status, 200);
    assert.deepEqual(byUrl.json.statuses, []);
    const handle = `stranger@${new URL(fake.altOrigin).host}`;
    const byHandle = await get(
      `/api/v2/search?q=${encodeURIComponent(handle)}&resolve=true`,
      alice,
    );
    assert.deepEqual(byHandle.json.accounts, []);
    await sleep(1000);
    assert.ok(
      !fake.requested.slice(requestedBefore).some((u) => u.startsWith(fake.altOrigin)),
      "nothing was fetched from the suspended server",
    );
    assert.deepEqual(await rowCounts(ctx().db, STORED), before, "nothing stored");
  });

  it("refuses the suspended server's signed fetches, whatever the fetch mode", async () => {
    const actorUrl = `${base()}/users/alice`;
    const fromEvil = await signedGet(evil, actorUrl);
    assert.equal(fromEvil.status, 403);
    const status = await postStatus(alice, "fetch me");
    assert.equal((await signedGet(evil, status.uri)).status, 403);
    assert.equal((await signedGet(good, actorUrl)).status, 200, "a friendly server may");
    const unsigned = await fetch(actorUrl, { headers: { Accept: "application/activity+json" } });
    assert.equal(unsigned.status, 200);
  });

  it("drops Flags from a server whose reports are rejected", async () => {
    const reporter = await flagger.actor(`${flagger.origin}/users/mod`);
    await block({ domain: new URL(flagger.origin).host, severity: "noop", reject_reports: true });
    const flag = (actor: FakeActor, f: FakeFediverse) =>
      f.post(actor, `${base()}/inbox`, {
        "@context": AS_CONTEXT,
        id: `${actor.id}/flags/${crypto.randomUUID()}`,
        type: "Flag",
        actor: actor.id,
        content: "look",
        object: [`${base()}/users/bob`],
      });
    assert.equal((await flag(reporter, flagger)).status, 202, "accepted and dropped");
    assert.equal((await flag(good, fake)).status, 202);
    await fake.waitFor(async () => {
      const rows = await db().selectFrom("reports").select("account_id").execute();
      return rows.length > 0;
    });
    await sleep(500);
    const reporters = await db()
      .selectFrom("reports")
      .innerJoin("accounts", "accounts.id", "reports.account_id")
      .select("accounts.uri")
      .execute();
    assert.deepEqual(
      reporters.map((r) => r.uri),
      [good.id],
      "only the control's report",
    );
    assert.equal(
      await accountOf(reporter.id),
      undefined,
      "the dropped reporter was not even fetched",
    );
  });

  it("shows a silenced server's posts only to its followers", async () => {
    const created = await block({
      domain: new URL(quiet.origin).host,
      severity: "silence",
      reject_media: true,
    });
    const icon = (origin: string) => ({
      type: "Image",
      mediaType: "image/png",
      url: `${origin}/a.png`,
    });
    const sil = await quiet.actor(`${quiet.origin}/users/sil`, { icon: icon(quiet.origin) });
    await quiet.followedBy(ctx(), sil, alice.accountId);
    const silRow = await accountOf(sil.id);
    assert.equal(silRow?.silenced_at, created.created_at, "first seen after: marked");
    assert.equal(silRow?.avatar_url, null, "reject_media: no picture of it");
    const pictured = await fake.actor(`${fake.origin}/users/pictured`, { icon: icon(fake.origin) });
    await fake.followedBy(ctx(), pictured, bob.accountId);
    assert.equal(
      (await accountOf(pictured.id))?.avatar_url,
      `${fake.origin}/a.png`,
      "the control has one",
    );
    const [aliceUri, bobUri] = [`${base()}/users/alice`, `${base()}/users/bob`];
    const object = note(sil, {
      cc: [sil.followers, aliceUri, bobUri],
      content: "<p>#hush @alice @bob</p>",
      tag: [
        { type: "Hashtag", name: "#hush", href: `${quiet.origin}/tags/hush` },
        { type: "Mention", href: aliceUri, name: "@alice" },
        { type: "Mention", href: bobUri, name: "@bob" },
      ],
    });
    assert.equal((await quiet.post(sil, `${base()}/inbox`, create(sil, object))).status, 202);
    const row = await fake.waitFor(() =>
      db().selectFrom("statuses").selectAll().where("uri", "=", object.id).executeTakeFirst(),
    );
    await sleep(300);
    const uris = (r: { json: { uri: string }[] }) => r.json.map((s) => s.uri);
    assert.ok(
      uris(await get("/api/v1/timelines/home", alice)).includes(object.id),
      "follower's home",
    );
    assert.ok(!uris(await get("/api/v1/timelines/home", bob)).includes(object.id));
    assert.ok(!uris(await get("/api/v1/timelines/public")).includes(object.id), "not public");
    assert.ok(!uris(await get("/api/v1/timelines/public", bob)).includes(object.id));
    assert.ok(!uris(await get("/api/v1/timelines/tag/hush")).includes(object.id), "not the tag");
    assert.ok(!uris(await get("/api/v1/timelines/tag/hush", bob)).includes(object.id));
    const mentions = async (user: TestUser) =>
      (await get("/api/v1/notifications?types[]=mention", user)).json.filter(
        (x: { status?: { id: string } }) => x.status?.id === row.id,
      ).length;
    assert.equal(await mentions(alice), 1, "a follower is notified");
    assert.equal(await mentions(bob), 0, "a non-follower is not");
  });
});

eachServer(
  "allowlist mode",
  (server) => {
    let fake: FakeFediverse;
    let admin: TestUser;
    let alice: TestUser;
    const base = () => server().url;
    const follow = (actor: FakeActor) => ({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${actor.id}#follows/${crypto.randomUUID()}`,
      type: "Follow",
      actor: actor.id,
      object: `${base()}/users/alice`,
    });
    before(async () => {
      fake = await FakeFediverse.start();
      admin = await createUser(server().kith.ctx, {
        username: "boss",
        role: "admin",
        scopes: STAFF_SCOPES,
      });
      alice = await createUser(server().kith.ctx, { username: "alice" });
    });
    after(() => fake.stop());

    it("federates only with allowed servers, and stops when one is taken off", async () => {
      const friend = await fake.actor(`${fake.origin}/users/friend`);
      const other = await fake.actor(`${fake.altOrigin}/users/other`);
      const before = await rowCounts(server().kith.ctx.db, STORED);
      assert.equal(
        (await fake.post(friend, `${base()}/users/alice/inbox`, follow(friend))).status,
        403,
      );
      assert.deepEqual(await rowCounts(server().kith.ctx.db, STORED), before, "nothing stored");

      const allow = async (domain: string) => {
        const r = await api(base(), "POST", "/api/v1/admin/domain_allows", {
          token: admin.token,
          body: { domain },
        });
        assert.equal(r.status, 200, JSON.stringify(r.json));
        return r.json.id as string;
      };
      const friendAllow = await allow(new URL(fake.origin).host);
      await allow(new URL(fake.altOrigin).host);
      for (const actor of [friend, other])
        assert.equal(
          (await fake.post(actor, `${base()}/users/alice/inbox`, follow(actor))).status,
          202,
        );
      await fake.waitFor(async () => {
        const r = await api(base(), "GET", `/api/v1/accounts/${alice.accountId}`);
        return r.json.followers_count === 2;
      });
      const delivered = async (origin: string, uri: string) =>
        fake.received.some(
          (r) => r.url.startsWith(origin) && r.json?.type === "Create" && r.json.object?.id === uri,
        );
      const post = async (status: string) =>
        (await api(base(), "POST", "/api/v1/statuses", { token: alice.token, body: { status } }))
          .json.uri as string;
      const first = await post("to both");
      await fake.waitFor(
        async () => (await delivered(fake.origin, first)) && delivered(fake.altOrigin, first),
      );

      const gone = await api(base(), "DELETE", `/api/v1/admin/domain_allows/${friendAllow}`, {
        token: admin.token,
      });
      assert.equal(gone.status, 200);
      const second = await post("to the allowed one only");
      await fake.waitFor(() => delivered(fake.altOrigin, second));
      await sleep(500);
      assert.equal(await delivered(fake.origin, second), false, "nothing to a server taken off");
      assert.equal((await fake.post(friend, `${base()}/inbox`, follow(friend))).status, 403);
    });
  },
  { env: { KITH_LIMITED_FEDERATION: "true" } },
);
