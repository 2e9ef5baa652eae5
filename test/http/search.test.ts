// GET /api/v2/search driven by masto.js as a client would, checked against the Mastodon OpenAPI
// schema: accounts by name and handle, hashtags by prefix, full-text statuses with Mastodon's
// operators and paging, the index following edits and deletions, local URLs with resolve=true,
// the legacy /api/v1/accounts/search, and bad input. Privacy has its own matrix
// (search-privacy.test.ts); remote resolution, search-resolve.test.ts.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { sql } from "kysely";
import { createRestAPIClient, type mastodon } from "masto";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { postOk } from "./statuses-fixtures.ts";

eachServer("search", (server) => {
  let alice: TestUser;
  let bob: TestUser;
  let aliceClient: mastodon.rest.Client;
  let bobClient: mastodon.rest.Client;
  let anonymous: mastodon.rest.Client;
  // biome-ignore lint/suspicious/noExplicitAny: status JSON read field by field
  const posts: Record<string, any> = {};
  const ids = (list: { id: string }[]) => list.map((s) => s.id);

  before(async () => {
    const { url, kith } = server();
    alice = await createUser(kith.ctx, { username: "alice" });
    bob = await createUser(kith.ctx, { username: "bob" });
    aliceClient = createRestAPIClient({ url, accessToken: alice.token });
    bobClient = createRestAPIClient({ url, accessToken: bob.token });
    anonymous = createRestAPIClient({ url });
    // masto.js does not know `indexable` (Mastodon 4.2) yet.
    const optIn = await api(url, "PATCH", "/api/v1/accounts/update_credentials", {
      token: alice.token,
      form: { display_name: "Alice Wonderland", indexable: "true" },
    });
    assert.equal(optIn.json.indexable, true);
    await bobClient.v1.accounts.updateCredentials({ displayName: "Robert Builder" });
    posts.tulips = await postOk(url, alice, {
      status: "Tulips in the garden today #Gardening",
      language: "en",
    });
    posts.roses = await postOk(url, alice, {
      status: "Roses are red, see https://example.com/roses for more",
      language: "en",
    });
    posts.warned = await postOk(url, alice, {
      status: "the plot of the film",
      spoiler_text: "film spoilers",
      language: "en",
    });
    posts.reply = await postOk(url, alice, {
      status: "Tulips again, in reply",
      in_reply_to_id: posts.tulips.id,
      language: "de",
    });
    posts.bobs = await postOk(url, bob, { status: "Tulips from Amsterdam #GardenParty" });
  });

  it("finds accounts by display name and handle, signed in or not, as the schema says", async () => {
    const byName = await bobClient.v2.search.list({ q: "wonder", type: "accounts" });
    assert.deepEqual(
      byName.accounts.map((a) => a.acct),
      ["alice"],
    );
    const byHandle = await anonymous.v2.search.list({ q: "@bob", type: "accounts" });
    assert.deepEqual(
      byHandle.accounts.map((a) => a.acct),
      ["bob"],
    );
    assert.deepEqual(byHandle.statuses, [], "no statuses without a user");
    const raw = await api(server().url, "GET", "/api/v2/search?q=alice", { token: bob.token });
    assert.equal(raw.status, 200);
    await validateResponse("GET", "/api/v2/search", 200, raw.json);
  });

  it("finds hashtags by prefix, shortest first, with a week of history", async () => {
    const found = await anonymous.v2.search.list({ q: "#garden", type: "hashtags" });
    // As Mastodon: names as first written, URLs in lower case.
    assert.deepEqual(
      found.hashtags.map((t) => [t.name, t.url.replace(/^.*\/tags\//, "")]),
      [
        ["Gardening", "gardening"],
        ["GardenParty", "gardenparty"],
      ],
    );
    assert.equal(found.hashtags[0]!.history?.length, 7);
    assert.equal(found.hashtags[0]!.history?.[0]?.uses, "1");
    const exact = await aliceClient.v2.search.list({
      q: "gardening",
      type: "hashtags",
      excludeUnreviewed: true,
    });
    assert.deepEqual(
      exact.hashtags.map((t) => t.name.toLowerCase()),
      ["gardening"],
    );
    const raw = await api(server().url, "GET", "/api/v2/search?q=gard&type=hashtags");
    await validateResponse("GET", "/api/v2/search", 200, raw.json);
    assert.equal(raw.json.hashtags.length, 2);
  });

  it("finds statuses by words, phrases and negations, newest first", async () => {
    const tulips = await bobClient.v2.search.list({ q: "tulips", type: "statuses" });
    assert.deepEqual(ids(tulips.statuses), [posts.bobs.id, posts.reply.id, posts.tulips.id]);
    const phrase = await bobClient.v2.search.list({ q: '"in the garden"', type: "statuses" });
    assert.deepEqual(ids(phrase.statuses), [posts.tulips.id]);
    const negated = await bobClient.v2.search.list({ q: "tulips -amsterdam", type: "statuses" });
    assert.deepEqual(ids(negated.statuses), [posts.reply.id, posts.tulips.id]);
    const cased = await bobClient.v2.search.list({ q: "ROSES RED", type: "statuses" });
    assert.deepEqual(ids(cased.statuses), [posts.roses.id]);
    const warning = await bobClient.v2.search.list({ q: "spoilers", type: "statuses" });
    assert.deepEqual(ids(warning.statuses), [posts.warned.id], "content warnings are indexed");
    const noMarkup = await bobClient.v2.search.list({ q: "href", type: "statuses" });
    assert.deepEqual(ids(noMarkup.statuses), [], "HTML is not indexed");
    const raw = await api(server().url, "GET", "/api/v2/search?q=tulips&type=statuses", {
      token: bob.token,
    });
    await validateResponse("GET", "/api/v2/search", 200, raw.json);
  });

  it("understands Mastodon's operators", async () => {
    const q = async (query: string, client = bobClient) =>
      ids((await client.v2.search.list({ q: query, type: "statuses" })).statuses);
    assert.deepEqual(await q("tulips from:alice"), [posts.reply.id, posts.tulips.id]);
    assert.deepEqual(await q("tulips from:@bob"), [posts.bobs.id]);
    assert.deepEqual(await q("tulips from:me"), [posts.bobs.id]);
    assert.deepEqual(await q("tulips -from:me"), [posts.reply.id, posts.tulips.id]);
    assert.deepEqual(await q("tulips from:nobody"), []);
    assert.deepEqual(await q("has:link"), [posts.roses.id], "hashtag links are no links");
    assert.deepEqual(await q("has:media"), []);
    assert.deepEqual(await q("has:poll"), []);
    assert.deepEqual(await q("tulips is:reply"), [posts.reply.id]);
    assert.deepEqual(await q("tulips -is:reply from:alice"), [posts.tulips.id]);
    assert.deepEqual(await q("is:sensitive"), [posts.warned.id]);
    assert.deepEqual(await q("tulips language:de"), [posts.reply.id]);
    assert.deepEqual(await q("tulips -language:de"), [posts.bobs.id, posts.tulips.id]);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    assert.deepEqual(await q(`roses during:${today}`), [posts.roses.id]);
    assert.deepEqual(await q(`roses before:${tomorrow}`), [posts.roses.id]);
    assert.deepEqual(await q(`roses before:${today}`), []);
    assert.deepEqual(await q(`roses after:${yesterday}`), [posts.roses.id]);
    assert.deepEqual(await q(`roses after:${today}`), []);
    // Bob's library is his own post; the rest is Alice's public, indexable posts.
    assert.deepEqual(await q("tulips in:library"), [posts.bobs.id]);
    assert.deepEqual(await q("tulips in:public"), [posts.reply.id, posts.tulips.id]);
    // An unknown prefix is ordinary text.
    assert.deepEqual(await q("garden:tulips"), []);
  });

  it("pages with limit, max_id, min_id and offset", async () => {
    const q = async (params: Record<string, unknown>) =>
      ids((await bobClient.v2.search.list({ q: "tulips", type: "statuses", ...params })).statuses);
    assert.deepEqual(await q({ limit: 2 }), [posts.bobs.id, posts.reply.id]);
    assert.deepEqual(await q({ limit: 2, offset: 2 }), [posts.tulips.id]);
    assert.deepEqual(await q({ maxId: posts.reply.id }), [posts.tulips.id]);
    assert.deepEqual(await q({ minId: posts.tulips.id, limit: 1 }), [posts.reply.id]);
  });

  it("follows edits and deletions of statuses", async () => {
    const { kith, url } = server();
    const note = await postOk(url, alice, { status: "ephemeral daffodils" });
    const find = async (word: string) =>
      ids((await aliceClient.v2.search.list({ q: word, type: "statuses" })).statuses);
    assert.deepEqual(await find("daffodils"), [note.id]);
    // Any write to the text updates the index (an edit path need not know about it).
    await sql`UPDATE statuses SET content = '<p>lasting crocuses</p>' WHERE id = ${note.id}`.execute(
      kith.ctx.db.kysely,
    );
    assert.deepEqual(await find("daffodils"), []);
    assert.deepEqual(await find("crocuses"), [note.id]);
    await aliceClient.v1.statuses.$select(note.id).remove();
    assert.deepEqual(await find("crocuses"), []);
  });

  it("resolves URLs of local statuses and profiles for signed-in users", async () => {
    const { url } = server();
    const byUrl = await bobClient.v2.search.list({ q: posts.roses.url, resolve: true });
    assert.deepEqual(ids(byUrl.statuses), [posts.roses.id]);
    assert.deepEqual(byUrl.accounts, []);
    const byUri = await bobClient.v2.search.list({ q: posts.roses.uri, resolve: true });
    assert.deepEqual(ids(byUri.statuses), [posts.roses.id]);
    const profile = await bobClient.v2.search.list({ q: `${url}/@alice`, resolve: true });
    assert.deepEqual(
      profile.accounts.map((a) => a.acct),
      ["alice"],
    );
    const wrongType = await bobClient.v2.search.list({
      q: posts.roses.url,
      resolve: true,
      type: "accounts",
    });
    assert.deepEqual(wrongType.statuses, []);
    const unknown = await bobClient.v2.search.list({ q: `${url}/@alice/1`, resolve: true });
    assert.deepEqual([unknown.accounts, unknown.statuses], [[], []]);
    // Without resolve, a URL is just text.
    const text = await bobClient.v2.search.list({ q: posts.roses.url, type: "accounts" });
    assert.deepEqual(text.accounts, []);
  });

  it("keeps the legacy /api/v1/accounts/search working", async () => {
    const found = await bobClient.v1.accounts.search.list({ q: "alice" });
    assert.deepEqual(
      found.map((a) => a.acct),
      ["alice"],
    );
  });

  describe("bad input", () => {
    const get = (query: string, token?: string) =>
      api(server().url, "GET", `/api/v2/search?${query}`, token ? { token } : {});
    it("is refused with Mastodon's errors, never a 500", async () => {
      const cases: [string, boolean, number, RegExp][] = [
        ["", true, 400, /q/],
        ["q=%20%20", true, 400, /q/],
        ["q=x&type=people", true, 422, /type/],
        ["q=x&limit=-1", true, 422, /limit/],
        ["q=x&offset=abc", true, 422, /offset/],
        ["q=x&max_id=abc", true, 422, /max_id/],
        ["q=x&account_id=abc", true, 422, /account_id/],
        ["q=x%20before:2024-13-45", true, 422, /before/],
        ["q=x%20in:everywhere", true, 422, /in:/],
        ["q=x&offset=1", false, 401, /authentication/],
        ["q=x&resolve=true", false, 401, /authentication/],
      ];
      for (const [query, signedIn, status, message] of cases) {
        const res = await get(query, signedIn ? bob.token : undefined);
        assert.equal(res.status, status, `${query}: ${JSON.stringify(res.json)}`);
        assert.match(res.json.error, message, query);
      }
    });

    it("treats odd text as text", async () => {
      for (const q of ['"', "-", "NOT", "AND OR", "*", "a:b:c", '"unclosed', "\u0000x", "(("]) {
        const res = await get(`q=${encodeURIComponent(q)}`, bob.token);
        assert.equal(res.status, 200, `${q}: ${JSON.stringify(res.json)}`);
      }
    });

    it("answers 401 as the schema says", { skip: OPENAPI_SKIP_REASON }, async () => {
      const res = await get("q=x&resolve=true");
      await validateResponse("GET", "/api/v2/search", res.status, res.json);
    });
  });

  it("finds posts with media of a kind, and with polls (has:)", async () => {
    const { url } = server();
    const { default: sharp } = await import("sharp");
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "blue" } })
      .png()
      .toBuffer();
    const picture = await aliceClient.v2.media.create({
      file: new Blob([new Uint8Array(png)], { type: "image/png" }),
    });
    const withPicture = await postOk(url, alice, {
      status: "daffodils in a picture",
      media_ids: [picture.id],
    });
    const withPoll = await postOk(url, alice, {
      status: "daffodils or crocuses",
      poll: { options: ["daffodils", "crocuses"], expires_in: 3600 },
    });
    const plain = await postOk(url, alice, { status: "daffodils in words" });
    const q = async (query: string) =>
      ids((await bobClient.v2.search.list({ q: query, type: "statuses" })).statuses);
    assert.deepEqual(await q("daffodils has:media"), [withPicture.id]);
    assert.deepEqual(await q("daffodils has:image"), [withPicture.id]);
    assert.deepEqual(await q("daffodils has:video"), []);
    assert.deepEqual(await q("daffodils has:poll"), [withPoll.id]);
    assert.deepEqual(await q("daffodils -has:media -has:poll"), [plain.id]);
    assert.deepEqual(await q("daffodils has:embed"), []);
  });
});
