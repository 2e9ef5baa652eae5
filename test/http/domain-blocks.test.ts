// User-level domain blocks over HTTP on both databases, through masto.js where it can: the
// domain is normalised (case, IDNA) and junk refused; the server's accounts drop out of the
// user's timelines, profiles and notifications (except an account the user still follows, as
// Mastodon), their follows and follow requests of the user end, and no new follow starts
// either way; the list pages by row; unblocking brings it all back but the follows.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRestAPIClient } from "masto";
import { newId } from "../../src/db/ids.ts";
import { notify } from "../../src/domain/notifications/notify.ts";
import { insertFollow, insertRemoteStatus } from "../federation/outbox-world.ts";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { createRemoteAccount, links } from "./accounts-fixtures.ts";

eachServer("user domain blocks", (server) => {
  const ctx = () => server().kith.ctx;
  const publicIds = async (user: TestUser) =>
    (await api(server().url, "GET", "/api/v1/timelines/public?limit=40", { token: user.token }))
      .json as { id: string }[];

  it("hides the server's accounts, ends their follows of the user, and lifts again", async () => {
    const { url } = server();
    const alice = await createUser(ctx());
    const client = createRestAPIClient({ url, accessToken: alice.token });
    const fan = await createRemoteAccount(ctx(), "fan", "far.example");
    const asker = await createRemoteAccount(ctx(), "asker", "far.example");
    const friend = await createRemoteAccount(ctx(), "friend", "far.example");
    const neighbour = await createRemoteAccount(ctx(), "neighbour", "near.example");
    // From before the block: fan follows alice, asker asks to, alice follows friend.
    await insertFollow(ctx(), fan, alice.accountId);
    await insertFollow(ctx(), alice.accountId, friend);
    await ctx()
      .db.kysely.insertInto("follow_requests")
      .values({
        id: newId(),
        account_id: asker,
        target_account_id: alice.accountId,
        languages: null,
        uri: null,
        created_at: new Date().toISOString(),
      })
      .execute();
    await notify(ctx(), { type: "follow", recipientId: alice.accountId, fromAccountId: fan });
    const fanPost = await insertRemoteStatus(ctx(), fan, "https://far.example/s/1");
    const friendPost = await insertRemoteStatus(ctx(), friend, "https://far.example/s/2");
    const nearPost = await insertRemoteStatus(ctx(), neighbour, "https://near.example/s/3");
    const ours = new Set([fanPost, friendPost, nearPost]);
    const visible = async () =>
      (await publicIds(alice)).map((s) => s.id).filter((id) => ours.has(id));
    assert.deepEqual((await visible()).sort(), [fanPost, friendPost, nearPost].sort());
    assert.equal((await client.v1.notifications.list()).length, 1);

    await client.v1.domainBlocks.create({ domain: "FAR.Example" });
    assert.deepEqual(await client.v1.domainBlocks.list(), ["far.example"]);
    // Public timelines leave out the whole server, even someone still followed there
    // (Mastodon's PublicFeed: Status.not_domain_blocked_by_account); the follow keeps the
    // friend's posts opening by id and in home.
    assert.deepEqual(await visible(), [nearPost], "the server is gone from public timelines");
    const friendById = await api(url, "GET", `/api/v1/statuses/${friendPost}`, {
      token: alice.token,
    });
    assert.equal(friendById.status, 200, "followed stays");
    assert.deepEqual(await client.v1.notifications.list(), []);
    const profile = await api(url, "GET", `/api/v1/accounts/${fan}/statuses`, {
      token: alice.token,
    });
    assert.deepEqual(profile.json, []);
    const byId = await api(url, "GET", `/api/v1/statuses/${fanPost}`, { token: alice.token });
    assert.equal(byId.status, 404);
    const [toFan, toAsker, toFriend, toNeighbour] = await client.v1.accounts.relationships.fetch({
      id: [fan, asker, friend, neighbour],
    });
    assert.deepEqual(
      [toFan!.domainBlocking, toFan!.followedBy, toAsker!.requestedBy],
      [true, false, false],
    );
    assert.deepEqual([toFriend!.domainBlocking, toFriend!.following], [true, true]);
    assert.equal(toNeighbour!.domainBlocking, false);
    assert.deepEqual(await client.v1.followRequests.list(), []);
    const me = await client.v1.accounts.verifyCredentials();
    assert.equal(me.followersCount, 0);
    // No new follows either way.
    const follow = await api(url, "POST", `/api/v1/accounts/${asker}/follow`, {
      token: alice.token,
    });
    assert.equal(follow.status, 403);
    // Anonymous readers are not affected.
    const anonymous = await api(url, "GET", "/api/v1/timelines/public");
    assert.ok(anonymous.json.some((s: { id: string }) => s.id === fanPost));
    // Blocking again is fine and lists it once.
    await client.v1.domainBlocks.create({ domain: "far.example" });
    assert.deepEqual(await client.v1.domainBlocks.list(), ["far.example"]);

    await client.v1.domainBlocks.remove({ domain: "far.example" });
    assert.deepEqual(await client.v1.domainBlocks.list(), []);
    assert.deepEqual((await visible()).sort(), [fanPost, friendPost, nearPost].sort());
    const [after] = await client.v1.accounts.relationships.fetch({ id: [fan] });
    assert.deepEqual([after!.domainBlocking, after!.followedBy], [false, false]);
    const again = await api(url, "DELETE", "/api/v1/domain_blocks", {
      token: alice.token,
      body: { domain: "far.example" },
    });
    assert.deepEqual([again.status, again.json], [200, {}]);
  });

  it("normalises domains and refuses junk with 422", async () => {
    const { url } = server();
    const alice = await createUser(ctx());
    const block = (domain: unknown) =>
      api(url, "POST", "/api/v1/domain_blocks", { token: alice.token, body: { domain } });
    for (const [given, stored] of [
      ["Bücher.Example", "xn--bcher-kva.example"],
      ["  spaced.example  ", "spaced.example"],
      ["slash.example/", "slash.example"],
      ["lab.example:8443", "lab.example:8443"],
    ] as const) {
      const res = await block(given);
      assert.deepEqual([res.status, res.json], [200, {}], given);
      const list = await api(url, "GET", "/api/v1/domain_blocks", { token: alice.token });
      assert.equal(list.json[0], stored, given);
    }
    const junk = [
      "",
      "   ",
      "not a domain",
      "https://x.example/",
      "a..b.example",
      "under_score.example",
      "ex%41mple.example",
      `${"x".repeat(64)}.example`,
      `${"abcdefghi.".repeat(26)}example`,
      "x.example:99999",
      "user@x.example",
      new URL(url).host,
      42,
      ["x.example"],
      null,
    ];
    for (const domain of junk) {
      const res = await block(domain);
      assert.equal(res.status, 422, JSON.stringify(domain));
      assert.match(res.json.error, /^Validation failed: /, JSON.stringify(domain));
    }
    const missing = await api(url, "POST", "/api/v1/domain_blocks", { token: alice.token });
    assert.equal(missing.status, 422);
    const removeJunk = await api(url, "DELETE", "/api/v1/domain_blocks?domain=a..b", {
      token: alice.token,
    });
    assert.equal(removeJunk.status, 422);
    // Query-string form works for DELETE too, as some clients send it.
    const removed = await api(url, "DELETE", "/api/v1/domain_blocks?domain=SPACED.example", {
      token: alice.token,
    });
    assert.equal(removed.status, 200);
    const list = await api(url, "GET", "/api/v1/domain_blocks", { token: alice.token });
    assert.deepEqual(list.json.sort(), [
      "lab.example:8443",
      "slash.example",
      "xn--bcher-kva.example",
    ]);
    assert.equal((await api(url, "GET", "/api/v1/domain_blocks")).status, 401);
    const reader = await createUser(ctx(), { scopes: ["read"] });
    const refused = await api(url, "POST", "/api/v1/domain_blocks", {
      token: reader.token,
      body: { domain: "x.example" },
    });
    assert.equal(refused.status, 403);
  });

  it("pages the list by row with Link headers (100 by default, 200 at most)", async () => {
    const { url } = server();
    const alice = await createUser(ctx());
    const client = createRestAPIClient({ url, accessToken: alice.token });
    const domains = ["one.example", "two.example", "three.example", "four.example"];
    for (const domain of domains) await client.v1.domainBlocks.create({ domain });
    const newestFirst = [...domains].reverse();
    const get = (query: string) =>
      api(url, "GET", `/api/v1/domain_blocks${query}`, { token: alice.token });
    assert.deepEqual((await get("")).json, newestFirst);
    const page1 = await get("?limit=3");
    assert.deepEqual(page1.json, newestFirst.slice(0, 3));
    const next = links(page1.headers).next!;
    const page2 = await get(next.search);
    assert.deepEqual(page2.json, newestFirst.slice(3));
    assert.equal(links(page2.headers).next, undefined);
    assert.deepEqual((await get(links(page2.headers).prev!.search)).json, newestFirst.slice(0, 3));
    assert.deepEqual((await get("?limit=500")).json, newestFirst);
    assert.equal((await get("?limit=-1")).status, 422);
    const walked: string[] = [];
    for await (const page of client.v1.domainBlocks.list({ limit: 3 })) walked.push(...page);
    assert.deepEqual(walked, newestFirst);
  });
});

describe("domain blocks against the Mastodon OpenAPI schema", { skip: OPENAPI_SKIP_REASON }, () => {
  eachServer("domain blocks schema", (server) => {
    it("matches the documented shapes", async () => {
      const { url } = server();
      const alice = await createUser(server().kith.ctx);
      const check = async (method: string, path: string, body?: unknown) => {
        const res = await api(url, method, path, { token: alice.token, body });
        await validateResponse(method, path, res.status, res.json);
        return res;
      };
      await check("POST", "/api/v1/domain_blocks", { domain: "far.example" });
      assert.deepEqual((await check("GET", "/api/v1/domain_blocks")).json, ["far.example"]);
      assert.equal((await check("POST", "/api/v1/domain_blocks", { domain: "a b" })).status, 422);
      await check("DELETE", "/api/v1/domain_blocks", { domain: "far.example" });
    });
  });
});
