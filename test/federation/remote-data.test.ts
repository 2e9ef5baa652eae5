// Fetching remote data safely: the loader's bounds (scheme, private addresses, redirects to
// other origins, size, time, media type), the origin rules for fetched documents, actors
// cached for a day with their handle's domain from WebFinger, missing reply parents fetched
// only a few levels up, and remote HTML sanitised and capped. Storage-touching parts run on both databases.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { resolveActor } from "../../src/federation/remote/actors.ts";
import { fetchDocument, Refusal } from "../../src/federation/remote/documents.ts";
import { createRemoteLoader, RemoteError } from "../../src/federation/remote/loader.ts";
import { MAX_PARENT_DEPTH, resolveStatus } from "../../src/federation/remote/statuses.ts";
import { createWebFinger, webfingerUrl } from "../../src/federation/remote/webfinger.ts";
import { eachDatabase } from "../helpers/databases.ts";
import { FakeFediverse } from "../helpers/fake-fediverse.ts";

const AP = { "content-type": "application/activity+json" };

describe("the remote document loader", () => {
  let server: Server;
  let origin: string;
  before(async () => {
    server = createServer((req, res) => {
      const doc = (id: string) => JSON.stringify({ id, type: "Note" });
      switch (req.url) {
        case "/note":
          return res.writeHead(200, AP).end(doc(`${origin}/note`));
        case "/moved":
          return res.writeHead(301, { location: "/note" }).end();
        case "/elsewhere":
          return res.writeHead(302, { location: "http://localhost:1/note" }).end();
        case "/big":
          return res.writeHead(200, AP).end(JSON.stringify({ id: "x", pad: "a".repeat(5000) }));
        case "/json":
          return res.writeHead(200, { "content-type": "application/json" }).end(doc("x"));
        case "/slow":
          return void setTimeout(() => res.writeHead(200, AP).end(doc("x")), 3000);
        default:
          return res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  const dev = (extra = {}) => createRemoteLoader({ devMode: true, userAgent: "t", ...extra });
  const refused = async (promise: Promise<unknown>, pattern: RegExp) => {
    await assert.rejects(
      promise,
      (e: unknown) => e instanceof RemoteError && pattern.test(e.message),
    );
  };

  it("loads an ActivityPub document and follows a redirect within its origin", async () => {
    assert.equal(((await dev()(`${origin}/note`)).document as { id: string }).id, `${origin}/note`);
    const moved = await dev()(`${origin}/moved`);
    assert.equal(moved.documentUrl, `${origin}/note`);
  });

  it("refuses private addresses and plain http outside development mode", async () => {
    const prod = createRemoteLoader({ devMode: false, userAgent: "t" });
    await refused(prod(`${origin}/note`), /scheme not allowed/);
    await refused(prod("https://127.0.0.1/note"), /address not allowed/);
    await refused(prod("https://[::1]/note"), /address not allowed/);
  });

  it("refuses redirects to another origin, oversized and slow documents, and other media types", async () => {
    await refused(dev()(`${origin}/elsewhere`), /redirect to another origin/);
    await refused(dev({ maxBytes: 1000 })(`${origin}/big`), /larger than 1000 bytes/);
    await refused(dev({ timeoutMs: 300 })(`${origin}/slow`), /request failed|aborted|timeout/i);
    await refused(dev()(`${origin}/json`), /not an ActivityPub document|unexpected media type/);
    await refused(dev()(`${origin}/missing`), /HTTP 404/);
  });
});

eachDatabase("remote actors and statuses", (fixture) => {
  let fake: FakeFediverse;
  const env = () => ({
    kith: fixture().ctx,
    loader: fake.loader,
    contextLoader: fake.contextLoader,
  });
  before(async () => {
    fake = await FakeFediverse.start();
  });
  after(() => fake.stop());

  it("refuses a document whose id is on another host, and refetches one named by URL", async () => {
    fake.serve("https://a.example/objects/1", { id: "https://b.example/objects/1", type: "Note" });
    await assert.rejects(fetchDocument(env(), "https://a.example/objects/1"), Refusal);
    const note = { id: "https://a.example/objects/2", type: "Note" };
    fake.serve("https://a.example/@someone/2", note);
    fake.serve(note.id, note);
    const fetched = await fetchDocument(env(), "https://a.example/@someone/2");
    assert.equal(fetched.json.id, note.id);
    fake.serve("https://a.example/@someone/3", { id: "https://a.example/objects/3", type: "Note" });
    fake.serve("https://a.example/objects/3", {
      id: "https://a.example/objects/other",
      type: "Note",
    });
    await assert.rejects(fetchDocument(env(), "https://a.example/@someone/3"), Refusal);
  });

  it("keeps an actor for a day and refetches it when stale", async () => {
    const id = `${fake.origin}/users/stale`;
    await fake.actor(id, { name: "First" });
    const first = await resolveActor(env(), id);
    assert.equal(first.display_name, "First");
    await fake.actor(id, { name: "Second" });
    assert.equal((await resolveActor(env(), id)).display_name, "First");
    await fixture()
      .db.kysely.updateTable("accounts")
      .set({ fetched_at: new Date(Date.now() - 25 * 3600_000).toISOString() })
      .where("id", "=", first.id)
      .execute();
    const again = await resolveActor(env(), id);
    assert.equal(again.id, first.id);
    assert.equal(again.display_name, "Second");
  });

  it("takes an account's domain from WebFinger's subject when that domain confirms the actor", async () => {
    const webFinger = createWebFinger({ devMode: true, userAgent: "t", fetch: fake.fetch });
    const resolve = (id: string) => resolveActor({ ...env(), webFinger }, id);
    const serveJrd = (origin: string, resource: string, subject: string, actor: string) =>
      fake.serve(
        webfingerUrl(origin, resource),
        { subject, links: [{ rel: "self", type: "application/activity+json", href: actor }] },
        { contentType: "application/jrd+json" },
      );
    // carol's server answers on a port; her handle is @carol@social.example.
    const carol = "https://web.example:8443/users/carol";
    await fake.actor(carol);
    const handle = "acct:carol@social.example";
    serveJrd("https://web.example:8443", "acct:carol@web.example:8443", handle, carol);
    serveJrd("https://social.example", handle, handle, carol);
    const stored = await resolve(carol);
    assert.equal(stored.domain, "social.example");
    // Refetched a day later while WebFinger is down: the confirmed domain stays.
    fake.serve(webfingerUrl("https://web.example:8443", "acct:carol@web.example:8443"), "", {
      status: 503,
    });
    await fixture()
      .db.kysely.updateTable("accounts")
      .set({ fetched_at: new Date(Date.now() - 25 * 3600_000).toISOString() })
      .where("id", "=", stored.id)
      .execute();
    const refreshed = await resolve(carol);
    assert.ok(refreshed.fetched_at! > stored.fetched_at!, "refetched");
    assert.equal(refreshed.domain, "social.example");
    // A subject whose own server names another actor is not believed.
    const mallory = "https://evil.example:8443/users/mallory";
    await fake.actor(mallory);
    const claimed = "acct:mallory@social.example";
    serveJrd("https://evil.example:8443", "acct:mallory@evil.example:8443", claimed, mallory);
    serveJrd("https://social.example", claimed, claimed, "https://social.example/users/mallory");
    assert.equal((await resolve(mallory)).domain, "evil.example:8443");
    // No WebFinger at all: the actor's host.
    const dan = "https://quiet.example:8443/users/dan";
    await fake.actor(dan);
    assert.equal((await resolve(dan)).domain, "quiet.example:8443");
  });

  it("refuses an actor served from another host than its id, and one without an inbox", async () => {
    const id = "https://c.example/users/real";
    fake.serve("https://d.example/users/fake", {
      id,
      type: "Person",
      inbox: `${id}/inbox`,
      preferredUsername: "real",
    });
    await assert.rejects(resolveActor(env(), "https://d.example/users/fake"), Refusal);
    fake.serve("https://c.example/users/noinbox", {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: "https://c.example/users/noinbox",
      type: "Person",
      preferredUsername: "x",
    });
    await assert.rejects(resolveActor(env(), "https://c.example/users/noinbox"), /inbox/);
  });

  it("fetches missing parents a few levels up, sanitises HTML and caps its length", async () => {
    const author = `${fake.origin}/users/chain`;
    await fake.actor(author);
    const depth = MAX_PARENT_DEPTH + 2;
    for (let i = 0; i <= depth; i++) {
      fake.serve(`${author}/statuses/${i}`, {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${author}/statuses/${i}`,
        type: "Note",
        attributedTo: author,
        inReplyTo: i > 0 ? `${author}/statuses/${i - 1}` : null,
        content:
          i === depth
            ? `<p onclick="x()">last<script>alert(1)</script></p>${"y".repeat(200_000)}`
            : `<p>${i}</p>`,
        to: ["https://www.w3.org/ns/activitystreams#Public"],
      });
    }
    const last = await resolveStatus(env(), `${author}/statuses/${depth}`);
    assert.ok(last);
    assert.ok(!last.content.includes("script") && !last.content.includes("onclick"));
    assert.ok(last.content.length <= 100_100, `content of ${last.content.length} characters`);
    const stored = await fixture()
      .db.kysely.selectFrom("statuses")
      .select("uri")
      .where("uri", "like", `${author}/statuses/%`)
      .execute();
    // The status itself and MAX_PARENT_DEPTH ancestors; the older ones were not fetched.
    assert.equal(stored.length, MAX_PARENT_DEPTH + 1);
  });
});
