// Authorized fetch over HTTP on both databases. With KITH_AUTHORIZED_FETCH on: statuses and
// collections need a signed GET (401 without), an account alice blocks finds nothing (404),
// followers-only posts reach only signed followers, user actors answer unsigned requests with
// keys and inboxes only (so that peers can still check our deliveries), and the instance
// actor, WebFinger and the HTML pages stay open. Kith signs its own fetches with the instance
// actor's key. With the option off, everything public is served unsigned as before.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { remoteLoader } from "../../src/federation/inbox/index.ts";
import { createRemoteLoader, type RemoteError } from "../../src/federation/remote/loader.ts";
import { FakeFediverse } from "../helpers/fake-fediverse.ts";
import { deliveriesOf } from "../helpers/recording-inbox.ts";
import { eachServer } from "../helpers/server.ts";
import { api } from "../helpers/users.ts";
import { blockAccount } from "../http/accounts-fixtures.ts";
import { setUpWorld, type World } from "./outbox-world.ts";

const AP = "application/activity+json";
const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async function get(url: string, accept = AP) {
  const response = await fetch(url, { headers: { Accept: accept }, redirect: "manual" });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: documents are checked field by field
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, json, text };
}

/** alice's public and followers-only posts, and the collections other servers read. */
async function aliceWorld(server: Parameters<typeof setUpWorld>[0]) {
  const w = await setUpWorld(server);
  const post = async (status: string, visibility: string) => {
    const r = await api(w.base, "POST", "/api/v1/statuses", {
      token: w.alice.token,
      body: { status, visibility },
    });
    assert.equal(r.status, 200);
    return r.json as { id: string; uri: string; url: string };
  };
  const collections = ["outbox", "followers", "following", "collections/featured"].map(
    (c) => `${w.aliceUri}/${c}`,
  );
  return {
    w,
    collections,
    public: await post("Hello all", "public"),
    private: await post("Friends", "private"),
  };
}

eachServer(
  "authorized fetch on",
  (server) => {
    let world: Awaited<ReturnType<typeof aliceWorld>>;
    let w: World;
    before(async () => {
      world = await aliceWorld(server());
      w = world.w;
      // alice blocks grace (on r1); erin (on r2) blocks alice.
      await blockAccount(w.ctx, w.alice.accountId, w.r1.user("grace").accountId);
      await blockAccount(w.ctx, w.r2.user("erin").accountId, w.alice.accountId);
    });
    after(() => w.close());

    it("refuses unsigned fetches of statuses and collections with 401", async () => {
      for (const url of [world.public.uri, `${world.public.uri}/activity`, ...world.collections]) {
        const r = await get(url);
        assert.equal(r.status, 401, url);
        assert.deepEqual(r.json, { error: "Request not signed" });
      }
      // A followers-only status is not even admitted to exist.
      assert.equal((await get(world.private.uri)).status, 404);
    });

    it("answers an unsigned fetch of a user actor with its keys and inboxes only", async () => {
      const r = await get(w.aliceUri);
      assert.equal(r.status, 200);
      assert.equal(r.json.id, w.aliceUri);
      assert.equal(r.json.preferredUsername, "alice");
      assert.equal(r.json.publicKey.id, `${w.aliceUri}#main-key`);
      assert.match(r.json.publicKey.publicKeyPem, /BEGIN PUBLIC KEY/);
      assert.equal(r.json.inbox, `${w.aliceUri}/inbox`);
      assert.equal(r.json.endpoints.sharedInbox, `${w.base}/inbox`);
      for (const hidden of ["outbox", "followers", "following", "featured", "summary", "published"])
        assert.equal(r.json[hidden], undefined, hidden);
    });

    it("serves the instance actor unsigned, found by WebFinger as acct:domain@domain", async () => {
      const { domain } = server().kith.ctx.config;
      const actor = await get(`${w.base}/actor`);
      assert.equal(actor.status, 200);
      assert.equal(actor.json.type, "Application");
      assert.equal(actor.json.id, `${w.base}/actor`);
      assert.equal(actor.json.preferredUsername, domain);
      assert.equal(actor.json.publicKey.id, `${w.base}/actor#main-key`);
      assert.equal(actor.json.publicKey.owner, `${w.base}/actor`);
      assert.equal(
        actor.json.assertionMethod?.[0]?.type ?? actor.json.assertionMethod?.type,
        "Multikey",
      );
      const jrd = await get(
        `${w.base}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${domain}@${domain}`)}`,
        "application/jrd+json",
      );
      assert.equal(jrd.status, 200);
      assert.equal(jrd.json.subject, `acct:${domain}@${domain}`);
      const self = (jrd.json.links as { rel: string; href: string }[]).find(
        (l) => l.rel === "self",
      );
      assert.equal(self?.href, `${w.base}/actor`);
      // WebFinger for users stays open too.
      const alice = await get(
        `${w.base}/.well-known/webfinger?resource=acct:alice@${domain}`,
        "application/jrd+json",
      );
      assert.equal(alice.json.subject, `acct:alice@${domain}`);
      // The server is no user: NodeInfo counts alice and lee only.
      const nodeinfo = await get(`${w.base}/nodeinfo/2.0`, "application/json");
      assert.equal(nodeinfo.json.usage.users.total, 2);
    });

    it("serves signed fetches: the whole actor, statuses and collections", async () => {
      const actor = await w.r2.signedGet(w.aliceUri, "dave");
      assert.equal(actor.status, 200);
      const json = (await actor.json()) as Record<string, unknown>;
      assert.equal(json.followers, `${w.aliceUri}/followers`);
      assert.equal(json.outbox, `${w.aliceUri}/outbox`);
      const note = await w.r2.signedGet(world.public.uri, "dave");
      assert.equal(note.status, 200);
      assert.equal(((await note.json()) as { id: string }).id, world.public.uri);
      for (const url of world.collections) {
        const r = await w.r2.signedGet(url, "dave");
        assert.equal(r.status, 200, url);
        assert.match(((await r.json()) as { type: string }).type, /Collection/);
      }
    });

    it("serves a followers-only status to signed followers only", async () => {
      assert.equal((await w.r1.signedGet(world.private.uri, "bob")).status, 200);
      assert.equal((await w.r2.signedGet(world.private.uri, "dave")).status, 404);
    });

    it("refuses blocked and blocking accounts everything of alice's, as if nothing were there", async () => {
      const urls = [w.aliceUri, world.public.uri, `${world.public.uri}/activity`];
      for (const url of [...urls, ...world.collections]) {
        for (const [r, who] of [
          [w.r1, "grace"],
          [w.r2, "erin"],
        ] as const) {
          const response = await r.signedGet(url, who);
          assert.equal(response.status, 404, `${url} for ${who}`);
          assert.deepEqual(await response.json(), { error: "Record not found" });
        }
      }
      // Her server's other users are not concerned.
      assert.equal((await w.r1.signedGet(world.public.uri, "carol")).status, 200);
    });

    it("keeps the HTML pages open to browsers", async () => {
      assert.equal((await get(`${w.base}/@alice`, BROWSER)).status, 200);
      const page = await get(world.public.url, BROWSER);
      assert.equal(page.status, 200);
      assert.match(page.text, /Hello all/);
    });

    it("delivers with signatures peers can check against the keys-only actor", async () => {
      const r = await api(w.base, "POST", "/api/v1/statuses", {
        token: w.alice.token,
        body: { status: "Delivered" },
      });
      const [delivery] = await deliveriesOf(w.all, `${r.json.uri}/activity`, 1);
      assert.ok(delivery, "a delivery arrived");
      assert.equal(delivery.signatureProblem, null);
    });

    it("signs its own fetches with the instance actor's key", async () => {
      const fake = await FakeFediverse.start();
      try {
        const id = `${fake.origin}/notes/1`;
        const note = { "@context": "https://www.w3.org/ns/activitystreams", id, type: "Note" };
        fake.serve(id, note, { signed: true });
        const unsigned = createRemoteLoader({ devMode: true, userAgent: "test" });
        await assert.rejects(unsigned(id), (e: RemoteError) => e.status === 401);
        const fetched = await remoteLoader(server().kith.ctx)(id);
        assert.deepEqual(fetched.document, note);
        assert.deepEqual(fake.signedBy, [`${w.base}/actor#main-key`]);
      } finally {
        await fake.stop();
      }
    });
  },
  { env: { KITH_AUTHORIZED_FETCH: "true" } },
);

eachServer("authorized fetch off", (server) => {
  let world: Awaited<ReturnType<typeof aliceWorld>>;
  before(async () => {
    world = await aliceWorld(server());
  });
  after(() => world.w.close());

  it("serves actors, public statuses and collections unsigned, as before", async () => {
    const { w } = world;
    const actor = await get(w.aliceUri);
    assert.equal(actor.status, 200);
    assert.equal(actor.json.followers, `${w.aliceUri}/followers`);
    assert.equal((await get(world.public.uri)).json.id, world.public.uri);
    for (const url of world.collections) assert.equal((await get(url)).status, 200, url);
    assert.equal((await get(world.private.uri)).status, 404);
    assert.equal((await get(`${w.base}/actor`)).json.type, "Application");
  });
});
