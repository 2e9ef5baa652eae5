// Blocking and muting through the client API, driven mostly by masto.js as client apps do:
// a block ends follows and requests both ways and is listed; a mute hides an account for a
// while, with or without its notifications, and lifts by itself; both lists page by row with
// Link headers; bad input gets Mastodon's errors; the JSON matches Mastodon's OpenAPI schema.
// Both databases. (What a block hides is in blocks-privacy.test.ts; domain blocks in
// domain-blocks.test.ts; the Block that federates in ../federation/outbox-relationships.test.ts.)
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createRestAPIClient, type mastodon } from "masto";
import { housekeeping } from "../../src/domain/housekeeping.ts";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { followOk, links, setAccount } from "./accounts-fixtures.ts";
import { postOk } from "./statuses-fixtures.ts";

const clientFor = (url: string, user: TestUser): mastodon.rest.Client =>
  createRestAPIClient({ url, accessToken: user.token });

// masto.js types the list as plain accounts; the entity is MutedAccount.
type MutedAccount = mastodon.v1.Account & { muteExpiresAt: string | null };
const mutedAccounts = async (client: mastodon.rest.Client) =>
  (await client.v1.mutes.list()) as MutedAccount[];

const ids = (res: { json: { id: string }[] }) => res.json.map((a) => a.id);

eachServer("blocks and mutes API", (server) => {
  const ctx = () => server().kith.ctx;
  const relationship = async (viewer: TestUser, other: TestUser) =>
    (
      await clientFor(server().url, viewer).v1.accounts.relationships.fetch({
        id: [other.accountId],
      })
    )[0]!;

  it("blocking ends follows and requests both ways, and the block is listed", async () => {
    const { url } = server();
    const [alice, bob, carol, dan] = [
      await createUser(ctx()),
      await createUser(ctx()),
      await createUser(ctx()),
      await createUser(ctx()),
    ];
    await followOk(url, alice, bob);
    await followOk(url, bob, alice);
    await setAccount(ctx(), carol.accountId, { locked: 1 });
    await setAccount(ctx(), alice.accountId, { locked: 1 });
    assert.equal((await followOk(url, alice, carol)).requested, true);
    assert.equal((await followOk(url, dan, alice)).requested, true);
    const before = await relationship(alice, bob);
    assert.deepEqual([before.following, before.followedBy], [true, true]);

    const client = clientFor(url, alice);
    const blocked = await client.v1.accounts.$select(bob.accountId).block();
    assert.equal(blocked.id, bob.accountId);
    assert.deepEqual(
      [blocked.blocking, blocked.blockedBy, blocked.following, blocked.followedBy],
      [true, false, false, false],
    );
    const seenByBob = await relationship(bob, alice);
    assert.deepEqual(
      [seenByBob.blocking, seenByBob.blockedBy, seenByBob.following, seenByBob.followedBy],
      [false, true, false, false],
    );
    const aliceAccount = await client.v1.accounts.verifyCredentials();
    assert.deepEqual([aliceAccount.followersCount, aliceAccount.followingCount], [0, 0]);
    // Bob may not follow his way back in.
    const refollow = await api(url, "POST", `/api/v1/accounts/${alice.accountId}/follow`, {
      token: bob.token,
    });
    assert.equal(refollow.status, 403);

    // Pending requests go too, whichever way they point.
    await client.v1.accounts.$select(carol.accountId).block();
    await client.v1.accounts.$select(dan.accountId).block();
    assert.equal((await relationship(alice, carol)).requested, false);
    assert.equal((await relationship(alice, dan)).requestedBy, false);
    assert.deepEqual(await client.v1.followRequests.list(), []);

    // Blocking again changes nothing.
    assert.equal((await client.v1.accounts.$select(bob.accountId).block()).blocking, true);
    const list = await client.v1.blocks.list();
    assert.deepEqual(
      list.map((a) => a.id),
      [dan.accountId, carol.accountId, bob.accountId],
    );

    const unblocked = await client.v1.accounts.$select(bob.accountId).unblock();
    assert.equal(unblocked.blocking, false);
    assert.equal((await relationship(bob, alice)).blockedBy, false);
    assert.deepEqual(
      (await client.v1.blocks.list()).map((a) => a.id),
      [dan.accountId, carol.accountId],
    );
    // Unblocking lets a follow happen again, but does not restore the old one.
    assert.equal((await relationship(alice, bob)).following, false);
    assert.equal((await followOk(url, bob, alice)).requested, true);
  });

  it("a mute hides statuses and notifications until it expires", async () => {
    const { url } = server();
    const [alice, carol] = [await createUser(ctx()), await createUser(ctx())];
    await followOk(url, alice, carol);
    const before = await postOk(url, carol, { status: "before the mute" });
    const client = clientFor(url, alice);
    const homeIds = async () => (await client.v1.timelines.home.list()).map((s) => s.id);
    const mentions = async () =>
      (await client.v1.notifications.list({ types: ["mention"] })).map((n) => n.status?.id);
    assert.ok((await homeIds()).includes(before.id));

    const muted = await client.v1.accounts.$select(carol.accountId).mute({ duration: 2 });
    const mutedAt = Date.now();
    assert.deepEqual([muted.muting, muted.mutingNotifications], [true, true]);
    const listed = await mutedAccounts(client);
    assert.deepEqual(
      listed.map((a) => a.id),
      [carol.accountId],
    );
    const expiresAt = Date.parse(listed[0]!.muteExpiresAt ?? "");
    assert.ok(Math.abs(expiresAt - (mutedAt + 2000)) < 1500, listed[0]!.muteExpiresAt ?? "null");

    const during = await postOk(url, carol, { status: `@${alice.username} during the mute` });
    assert.ok(!(await homeIds()).includes(before.id));
    assert.ok(!(await homeIds()).includes(during.id));
    const local = await client.v1.timelines.public.list({ local: true });
    assert.ok(!local.some((s) => s.account.id === carol.accountId));
    assert.deepEqual(await mentions(), []);
    // Muting is invisible to the muted account.
    assert.equal((await relationship(carol, alice)).muting, false);

    await sleep(Math.max(0, expiresAt - Date.now()) + 300);
    const after = await relationship(alice, carol);
    assert.deepEqual([after.muting, after.mutingNotifications], [false, false]);
    assert.deepEqual(await mutedAccounts(client), []);
    const home = await homeIds();
    assert.ok(home.includes(before.id) && home.includes(during.id), "the feed is whole again");
    const again = await postOk(url, carol, { status: `@${alice.username} after the mute` });
    assert.deepEqual(await mentions(), [again.id]);
    // Housekeeping then drops the expired row.
    assert.ok((await housekeeping(ctx())).expiredMutesRemoved >= 1);
    const left = await ctx()
      .db.kysely.selectFrom("mutes")
      .select("id")
      .where("account_id", "=", alice.accountId)
      .execute();
    assert.deepEqual(left, []);
  });

  it("a mute may keep notifications, changes with the last call, and lifts on unmute", async () => {
    const { url } = server();
    const [alice, dan] = [await createUser(ctx()), await createUser(ctx())];
    const client = clientFor(url, alice);
    const dans = client.v1.accounts.$select(dan.accountId);
    const quiet = await dans.mute({ notifications: false });
    assert.deepEqual([quiet.muting, quiet.mutingNotifications], [true, false]);
    assert.equal((await mutedAccounts(client))[0]!.muteExpiresAt, null, "0 = for ever");
    const mention = await postOk(url, dan, { status: `@${alice.username} still here` });
    const notes = await client.v1.notifications.list();
    assert.deepEqual(
      notes.map((n) => n.status?.id),
      [mention.id],
    );
    const local = await client.v1.timelines.public.list({ local: true });
    assert.ok(!local.some((s) => s.id === mention.id), "the status itself is hidden");

    const loud = await dans.mute({ notifications: true, duration: 3600 });
    assert.deepEqual([loud.muting, loud.mutingNotifications], [true, true]);
    assert.ok((await mutedAccounts(client))[0]!.muteExpiresAt);
    assert.deepEqual(await client.v1.notifications.list(), []);
    const forever = await api(url, "POST", `/api/v1/accounts/${dan.accountId}/mute`, {
      token: alice.token,
      form: { notifications: "false", duration: "0" },
    });
    assert.equal(forever.json.muting_notifications, false);
    assert.equal((await mutedAccounts(client))[0]!.muteExpiresAt, null);

    const unmuted = await dans.unmute();
    assert.equal(unmuted.muting, false);
    assert.deepEqual(await mutedAccounts(client), []);
  });

  it("pages blocks and mutes by row with Link headers, as masto.js follows them", async () => {
    const { url } = server();
    const me = await createUser(ctx());
    const others: TestUser[] = [];
    for (let i = 0; i < 5; i++) others.push(await createUser(ctx()));
    const client = clientFor(url, me);
    // Blocked and muted in opposite orders, so the two lists cannot agree by accident.
    for (const other of others) await client.v1.accounts.$select(other.accountId).block();
    for (const other of [...others].reverse())
      await client.v1.accounts.$select(other.accountId).mute();
    const newestBlocks = others.map((o) => o.accountId).reverse();
    const newestMutes = others.map((o) => o.accountId);

    for (const [path, expected] of [
      ["/api/v1/blocks", newestBlocks],
      ["/api/v1/mutes", newestMutes],
    ] as const) {
      const get = (query: string) => api(url, "GET", `${path}${query}`, { token: me.token });
      const all = await get("");
      assert.deepEqual(ids(all), expected);
      assert.equal(links(all.headers).next, undefined, "no next link on a short page");
      const page1 = await get("?limit=2");
      assert.deepEqual(ids(page1), expected.slice(0, 2));
      const l1 = links(page1.headers);
      // The cursor is the block or mute row, not the account.
      assert.ok(l1.next && !expected.includes(l1.next.searchParams.get("max_id")!));
      const page2 = await get(l1.next.search);
      assert.deepEqual(ids(page2), expected.slice(2, 4));
      const l2 = links(page2.headers);
      assert.deepEqual(ids(await get(l2.next!.search)), expected.slice(4));
      assert.deepEqual(ids(await get(l2.prev!.search)), expected.slice(0, 2));
      const since = await get(`?since_id=${l2.prev!.searchParams.get("min_id")}`);
      assert.deepEqual(ids(since), expected.slice(0, 2));
      assert.deepEqual(ids(await get("?limit=1000")), expected, "the limit is capped, not refused");
      assert.equal((await get("?limit=x")).status, 422);
      assert.equal((await get("?max_id=abc")).status, 422);
    }

    const walked: string[] = [];
    for await (const page of client.v1.blocks.list({ limit: 2 }))
      walked.push(...page.map((a) => a.id));
    assert.deepEqual(walked, newestBlocks);
    const walkedMutes: string[] = [];
    for await (const page of client.v1.mutes.list({ limit: 3 }))
      walkedMutes.push(...page.map((a) => a.id));
    assert.deepEqual(walkedMutes, newestMutes);
  });

  it("refuses bad input with Mastodon's errors", async () => {
    const { url } = server();
    const [alice, bob] = [await createUser(ctx()), await createUser(ctx())];
    const call = (path: string, options: Parameters<typeof api>[3] = { token: alice.token }) =>
      api(url, "POST", path, options);
    for (const action of ["block", "unblock", "mute", "unmute"]) {
      for (const id of ["999999999999999999", "abc"]) {
        const res = await call(`/api/v1/accounts/${id}/${action}`);
        assert.equal(res.status, 404, `${action} ${id}`);
        assert.deepEqual(res.json, { error: "Record not found" });
      }
      const anonymous = await call(`/api/v1/accounts/${bob.accountId}/${action}`, {});
      assert.equal(anonymous.status, 401);
    }
    for (const action of ["block", "mute"]) {
      const self = await call(`/api/v1/accounts/${alice.accountId}/${action}`);
      assert.equal(self.status, 422, action);
      assert.match(self.json.error, /^Validation failed: You cannot (block|mute) yourself$/);
    }
    for (const duration of ["-1", "soon", "1.5", "99999999999"]) {
      const res = await call(`/api/v1/accounts/${bob.accountId}/mute`, {
        token: alice.token,
        form: { duration },
      });
      assert.equal(res.status, 422, duration);
      assert.match(res.json.error, /^Validation failed: duration/);
    }
    assert.equal((await relationship(alice, bob)).muting, false, "nothing was muted");

    // Scopes: read-only tokens may list but not block; the old `follow` scope may do both.
    const reader = await createUser(ctx(), { scopes: ["read"] });
    const refused = await call(`/api/v1/accounts/${bob.accountId}/block`, { token: reader.token });
    assert.equal(refused.status, 403);
    assert.equal((await api(url, "GET", "/api/v1/blocks", { token: reader.token })).status, 200);
    const follower = await createUser(ctx(), { scopes: ["follow"] });
    for (const action of ["block", "mute"])
      assert.equal(
        (await call(`/api/v1/accounts/${bob.accountId}/${action}`, { token: follower.token }))
          .status,
        200,
      );
    for (const list of ["/api/v1/blocks", "/api/v1/mutes"])
      assert.deepEqual(ids(await api(url, "GET", list, { token: follower.token })), [
        bob.accountId,
      ]);
    assert.equal((await api(url, "GET", "/api/v1/mutes")).status, 401);
  });
});

describe("blocks and mutes against the Mastodon OpenAPI schema", {
  skip: OPENAPI_SKIP_REASON,
}, () => {
  eachServer("blocks and mutes schema", (server) => {
    it("matches the documented shapes", async () => {
      const { url } = server();
      const ctx = server().kith.ctx;
      const [alice, bob] = [await createUser(ctx), await createUser(ctx)];
      const check = async (method: string, path: string, body?: unknown) => {
        const res = await api(url, method, path, { token: alice.token, body });
        await validateResponse(method, path, res.status, res.json);
        return res;
      };
      const target = `/api/v1/accounts/${bob.accountId}`;
      assert.equal((await check("POST", `${target}/block`)).json.blocking, true);
      assert.equal((await check("GET", "/api/v1/blocks")).json.length, 1);
      await check("POST", `${target}/unblock`);
      assert.equal((await check("POST", `${target}/mute`, { duration: 60 })).json.muting, true);
      const mutes = await check("GET", "/api/v1/mutes");
      assert.equal(typeof mutes.json[0].mute_expires_at, "string");
      await check("POST", `${target}/mute`, { notifications: false });
      assert.equal((await check("GET", "/api/v1/mutes")).json[0].mute_expires_at, null);
      await check("POST", `${target}/unmute`);
      assert.equal((await check("POST", "/api/v1/accounts/123/block")).status, 404);
      assert.equal((await check("POST", `/api/v1/accounts/${alice.accountId}/block`)).status, 422);
    });
  });
});
