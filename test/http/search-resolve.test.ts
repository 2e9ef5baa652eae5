// resolve=true against another server (the fake fediverse on loopback, which Kith reaches in
// development mode; WebFinger falls back to plain http there): a handle is looked up by
// WebFinger and its actor fetched, a profile URL and a status URL are fetched from their
// origin, and what was fetched is then searchable as any other account or post. A status the
// viewer may not see is not given, and every failure is an empty result, never an error.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { createRestAPIClient, type mastodon } from "masto";
import { webfingerUrl } from "../../src/federation/remote/webfinger.ts";
import { FakeFediverse } from "../helpers/fake-fediverse.ts";
import { validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

eachServer("search with resolve=true", (server) => {
  let fake: FakeFediverse;
  let host: string;
  let viewer: TestUser;
  let client: mastodon.rest.Client;
  const note = (id: string, author: string, content: string, to: string[]) => ({
    "@context": "https://www.w3.org/ns/activitystreams",
    id,
    type: "Note",
    attributedTo: author,
    content,
    published: "2025-05-01T10:00:00Z",
    to,
    cc: [`${author}/followers`],
  });
  const serveHandle = (user: string, actor: string) =>
    fake.serve(
      webfingerUrl(fake.origin, `acct:${user}@${host}`),
      {
        subject: `acct:${user}@${host}`,
        links: [{ rel: "self", type: "application/activity+json", href: actor }],
      },
      { contentType: "application/jrd+json" },
    );

  before(async () => {
    fake = await FakeFediverse.start();
    host = new URL(fake.origin).host;
    viewer = await createUser(server().kith.ctx);
    client = createRestAPIClient({ url: server().url, accessToken: viewer.token });
    // remy opted in to search; quinn did not.
    await fake.actor(`${fake.origin}/users/remy`, {
      name: "Remy Remote",
      indexable: true,
      url: `${fake.origin}/@remy`,
    });
    serveHandle("remy", `${fake.origin}/users/remy`);
  });
  after(() => fake.stop());

  it("looks a handle up by WebFinger and leads the accounts with it", async () => {
    const before = await client.v2.search.list({ q: `@remy@${host}`, type: "accounts" });
    assert.deepEqual(before.accounts, [], "unknown without resolve");
    const found = await client.v2.search.list({ q: `@remy@${host}`, resolve: true });
    assert.deepEqual(
      found.accounts.map((a) => [a.acct, a.displayName]),
      [[`remy@${host}`, "Remy Remote"]],
    );
    const bare = await client.v2.search.list({ q: `remy@${host}`, type: "accounts" });
    assert.deepEqual(
      bare.accounts.map((a) => a.acct),
      [`remy@${host}`],
      "stored, so found without resolve now",
    );
    const legacy = await client.v1.accounts.search.list({ q: `remy@${host}`, resolve: true });
    assert.deepEqual(
      legacy.map((a) => a.acct),
      [`remy@${host}`],
    );
  });

  it("fetches a profile URL and a status URL from their origin", async () => {
    // quinn is unknown here; the profile page's URL, asked for as ActivityPub, is his actor.
    const quinn = await fake.actor(`${fake.origin}/users/quinn`, { indexable: false });
    fake.serve(`${fake.origin}/@quinn`, quinn.document);
    const profile = await client.v2.search.list({ q: `${fake.origin}/@quinn`, resolve: true });
    assert.deepEqual(
      profile.accounts.map((a) => a.acct),
      [`quinn@${host}`],
    );
    assert.deepEqual(profile.statuses, []);
    const known = await client.v2.search.list({ q: `${fake.origin}/@remy`, resolve: true });
    assert.deepEqual(
      known.accounts.map((a) => a.acct),
      [`remy@${host}`],
    );

    const id = `${fake.origin}/users/remy/statuses/1`;
    const doc = note(id, `${fake.origin}/users/remy`, "<p>Bonjour from the seaside</p>", [PUBLIC]);
    fake.serve(id, { ...doc, url: `${fake.origin}/@remy/1` });
    fake.serve(`${fake.origin}/@remy/1`, { ...doc, url: `${fake.origin}/@remy/1` });
    const raw = await api(
      server().url,
      "GET",
      `/api/v2/search?resolve=true&q=${encodeURIComponent(`${fake.origin}/@remy/1`)}`,
      { token: viewer.token },
    );
    assert.equal(raw.status, 200);
    await validateResponse("GET", "/api/v2/search", 200, raw.json);
    assert.deepEqual(
      raw.json.statuses.map((s: { uri: string }) => s.uri),
      [id],
    );
    assert.deepEqual(raw.json.accounts, []);
    // remy is indexable, so the fetched post is now found by its words.
    const words = await client.v2.search.list({ q: "seaside in:public", type: "statuses" });
    assert.deepEqual(
      words.statuses.map((s) => s.uri),
      [id],
    );
  });

  it("does not give a fetched post the viewer may not see, nor index a non-indexable author", async () => {
    const author = `${fake.origin}/users/quinn`;
    const hidden = `${author}/statuses/private`;
    fake.serve(hidden, note(hidden, author, "<p>only for followers</p>", [`${author}/followers`]));
    const res = await client.v2.search.list({ q: hidden, resolve: true });
    assert.deepEqual(res.statuses, []);
    const open = `${author}/statuses/public`;
    fake.serve(open, note(open, author, "<p>quinn walks the lighthouse</p>", [PUBLIC]));
    const resolved = await client.v2.search.list({ q: open, resolve: true });
    assert.deepEqual(
      resolved.statuses.map((s) => s.uri),
      [open],
      "a public post is given by its URL",
    );
    const words = await client.v2.search.list({ q: "lighthouse", type: "statuses" });
    assert.deepEqual(words.statuses, [], "but quinn did not opt in to search");
  });

  it("gives empty results when anything fails", async () => {
    const closed = "http://127.0.0.1:9"; // the discard port: nothing listens
    fake.serve(`${fake.origin}/not-activitypub`, "<html></html>", { contentType: "text/html" });
    for (const q of [
      `@nobody@${host}`,
      "@someone@127.0.0.1:9",
      `${fake.origin}/users/missing`,
      `${fake.origin}/not-activitypub`,
      `${closed}/users/x`,
      "https://[::1/broken",
    ]) {
      const res = await api(
        server().url,
        "GET",
        `/api/v2/search?resolve=true&q=${encodeURIComponent(q)}`,
        { token: viewer.token },
      );
      assert.equal(res.status, 200, `${q}: ${JSON.stringify(res.json)}`);
      assert.deepEqual([res.json.accounts, res.json.statuses], [[], []], q);
    }
  });
});
