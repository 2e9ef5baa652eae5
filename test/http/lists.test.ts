// Lists over HTTP on both databases, driven by masto.js as client apps do: CRUD, members (only
// followed accounts; paged by Link, limit=0 for all; unfollowing removes), the list timeline
// (replies_policy, boosts, the visibility rule, mutes and blocks) and exclusive lists leaving
// the home timeline; bad input answers 404/422, and the shapes match the OpenAPI schema.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRestAPIClient, type mastodon } from "masto";
import { LISTS_PER_ACCOUNT } from "../../src/domain/lists/lists.ts";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { followOk, links } from "./accounts-fixtures.ts";
import { ids, postOk } from "./statuses-fixtures.ts";

const clientFor = (url: string, user: TestUser): mastodon.rest.Client =>
  createRestAPIClient({ url, accessToken: user.token });

// masto.js 8 types the create/update parameters without replies_policy.
type ListParams = mastodon.rest.v1.CreateListParams & { repliesPolicy?: string };

const idsOf = (items: readonly { id: string }[]) => items.map((i) => i.id);

eachServer("lists API", (server) => {
  const ctx = () => server().kith.ctx;
  const user = () => createUser(ctx());
  const users = async (n: number) => {
    const made: TestUser[] = [];
    for (let i = 0; i < n; i++) made.push(await user());
    return made;
  };
  const fiveUsers = async () =>
    (await users(5)) as [TestUser, TestUser, TestUser, TestUser, TestUser];

  it("creates, shows, updates and deletes lists; another user's list is not found", async () => {
    const { url } = server();
    const [me, other] = [await user(), await user()];
    const client = clientFor(url, me);
    const friends = await client.v1.lists.create({ title: "Friends" });
    assert.deepEqual(
      { title: friends.title, policy: friends.repliesPolicy, exclusive: friends.exclusive },
      { title: "Friends", policy: "list", exclusive: false },
    );
    const news = await client.v1.lists.create({
      title: "News",
      repliesPolicy: "none",
      exclusive: true,
    } as ListParams);
    assert.deepEqual([news.repliesPolicy, news.exclusive], ["none", true]);
    assert.deepEqual(idsOf(await client.v1.lists.list()), [friends.id, news.id]);
    assert.equal((await client.v1.lists.$select(news.id).fetch()).title, "News");

    const renamed = await client.v1.lists
      .$select(friends.id)
      .update({ title: "Close friends", repliesPolicy: "followed" } as ListParams);
    assert.deepEqual(
      [renamed.title, renamed.repliesPolicy, renamed.exclusive],
      ["Close friends", "followed", false],
    );
    // PUT with only some fields keeps the others.
    const partial = await api(url, "PUT", `/api/v1/lists/${friends.id}`, {
      token: me.token,
      body: { exclusive: true },
    });
    assert.deepEqual([partial.json.title, partial.json.exclusive], ["Close friends", true]);

    // Someone else's list does not exist for them, whatever they try.
    for (const [method, path] of [
      ["GET", `/api/v1/lists/${news.id}`],
      ["PUT", `/api/v1/lists/${news.id}`],
      ["DELETE", `/api/v1/lists/${news.id}`],
      ["GET", `/api/v1/lists/${news.id}/accounts`],
      ["POST", `/api/v1/lists/${news.id}/accounts`],
      ["GET", `/api/v1/timelines/list/${news.id}`],
      ["GET", "/api/v1/lists/12345"],
      ["GET", "/api/v1/lists/not-an-id"],
    ] as const) {
      const body = method === "GET" ? undefined : { title: "x" };
      const res = await api(url, method, path, { token: other.token, body });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(typeof res.json.error, "string");
    }
    assert.deepEqual(await clientFor(url, other).v1.lists.list(), []);
    assert.equal((await api(url, "GET", "/api/v1/lists")).status, 401);

    await client.v1.lists.$select(news.id).remove();
    assert.equal(
      (await api(url, "GET", `/api/v1/lists/${news.id}`, { token: me.token })).status,
      404,
    );
    assert.deepEqual(idsOf(await client.v1.lists.list()), [friends.id]);
  });

  it("refuses a blank or overlong title, an unknown replies_policy and more than the limit", async () => {
    const { url } = server();
    const me = await user();
    const create = (body: Record<string, unknown>) =>
      api(url, "POST", "/api/v1/lists", { token: me.token, body });
    for (const body of [
      {},
      { title: "   " },
      { title: "x".repeat(300) },
      { title: 5 },
      { title: "ok", replies_policy: "everyone" },
    ]) {
      const res = await create(body);
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.match(res.json.error, /Validation failed/);
    }
    const list = await create({ title: "kept" });
    const blank = await api(url, "PUT", `/api/v1/lists/${list.json.id}`, {
      token: me.token,
      body: { title: "" },
    });
    assert.equal(blank.status, 422);
    for (let i = 1; i < LISTS_PER_ACCOUNT; i++)
      assert.equal((await create({ title: `l${i}` })).status, 200);
    assert.equal((await create({ title: "one too many" })).status, 422);
  });

  it("adds only followed accounts, all or none, pages members by Link and limit=0 lists all", async () => {
    const { url } = server();
    const [me, stranger, friends] = [await user(), await user(), await users(5)];
    const client = clientFor(url, me);
    for (const f of friends) await followOk(url, me, f);
    const list = await client.v1.lists.create({ title: "Friends" });
    const members = client.v1.lists.$select(list.id).accounts;
    await members.create({ accountIds: friends.slice(0, 4).map((f) => f.accountId) });
    await members.create({ accountIds: [friends[4]!.accountId] });
    const newestFirst = friends.map((f) => f.accountId).reverse();

    const pages: string[][] = [];
    for await (const page of members.list({ limit: 2 })) pages.push(idsOf(page));
    assert.deepEqual(pages.flat().sort(), [...newestFirst].sort());
    assert.deepEqual(
      pages.map((p) => p.length),
      [2, 2, 1],
    );
    const path = `/api/v1/lists/${list.id}/accounts`;
    const last = await api(url, "GET", `${path}?limit=2&max_id=${"9".repeat(18)}`, {
      token: me.token,
    });
    assert.ok(links(last.headers).next, "a full page links to the next");
    const all = await api(url, "GET", `${path}?limit=0`, { token: me.token });
    assert.equal(all.json.length, 5);
    assert.equal(all.headers.get("Link"), null, "no paging when asked for everything");

    // Not followed → 422; a mix with a followed one adds nothing; already there → 422.
    const add = (accountIds: string[]) =>
      api(url, "POST", path, { token: me.token, body: { account_ids: accountIds } });
    const refused = await add([stranger.accountId]);
    assert.equal(refused.status, 422);
    assert.match(refused.json.error, /follow/i);
    await client.v1.lists.$select(list.id).accounts.remove({ accountIds: [friends[0]!.accountId] });
    assert.equal((await add([friends[0]!.accountId, stranger.accountId])).status, 422);
    assert.equal((await ids(url, `${path}?limit=0`, me)).length, 4);
    assert.equal((await add([friends[1]!.accountId])).status, 422);
    assert.equal((await add(["123456789012345678"])).status, 404);
    assert.equal((await add(["junk"])).status, 404);
    assert.equal((await add([me.accountId])).status, 422, "one's own account is not followed");

    // accounts/:id/lists names the viewer's lists holding the account.
    const other = await client.v1.lists.create({ title: "Other" });
    await client.v1.lists
      .$select(other.id)
      .accounts.create({ accountIds: [friends[1]!.accountId] });
    assert.deepEqual(idsOf(await client.v1.accounts.$select(friends[1]!.accountId).lists.list()), [
      list.id,
      other.id,
    ]);
    assert.deepEqual(await client.v1.accounts.$select(stranger.accountId).lists.list(), []);
    const missing = await api(url, "GET", "/api/v1/accounts/123456789012345678/lists", {
      token: me.token,
    });
    assert.equal(missing.status, 404);

    // Unfollowing takes the account out of every list, as Mastodon does.
    await client.v1.accounts.$select(friends[1]!.accountId).unfollow();
    assert.ok(!(await ids(url, `${path}?limit=0`, me)).includes(friends[1]!.accountId));
    assert.deepEqual(await client.v1.accounts.$select(friends[1]!.accountId).lists.list(), []);
    // Another user's lists never show through accounts/:id/lists.
    const someone = await user();
    assert.deepEqual(
      await clientFor(url, someone).v1.accounts.$select(friends[2]!.accountId).lists.list(),
      [],
    );
  });

  it("shows the members' statuses by replies_policy, hiding boosts the follow hides", async () => {
    const { url } = server();
    const [me, a, b, c, stranger] = await fiveUsers();
    const client = clientFor(url, me);
    await followOk(url, me, a);
    await followOk(url, me, b, { reblogs: false });
    await followOk(url, me, c);
    const list = await client.v1.lists.create({ title: "AB" });
    await client.v1.lists
      .$select(list.id)
      .accounts.create({ accountIds: [a.accountId, b.accountId] });
    const timeline = () => ids(url, `/api/v1/timelines/list/${list.id}?limit=40`, me);

    const mine = await postOk(url, me, { status: "mine" });
    const cPost = await postOk(url, c, { status: "c" });
    const strangerPost = await postOk(url, stranger, { status: "stranger" });
    const aPost = await postOk(url, a, { status: "a" });
    const bPost = await postOk(url, b, { status: "b" });
    const bPrivate = await postOk(url, b, { status: "b, followers", visibility: "private" });
    const reply = async (parent: { id: string }) =>
      (await postOk(url, a, { status: "re", in_reply_to_id: parent.id })).id as string;
    const toSelf = await reply(aPost);
    const toMe = await reply(mine);
    const toMember = await reply(bPost);
    const toFollowed = await reply(cPost);
    const toStranger = await reply(strangerPost);
    const cOwn = await postOk(url, c, { status: "not a member" });
    const bBoost = (
      await api(url, "POST", `/api/v1/statuses/${cPost.id}/reblog`, { token: b.token })
    ).json.id;
    const aBoost = (
      await api(url, "POST", `/api/v1/statuses/${cPost.id}/reblog`, { token: a.token })
    ).json.id;

    const always = [aPost.id, bPost.id, bPrivate.id, toSelf, toMe];
    const expect = (extra: string[]) => [...always, ...extra, aBoost].sort().reverse();
    assert.deepEqual(await timeline(), expect([toMember]), "list: replies to members");
    assert.ok(!(await timeline()).includes(bBoost), "b's boosts are hidden by the follow");
    assert.ok(!(await timeline()).includes(cOwn.id));
    await client.v1.lists
      .$select(list.id)
      .update({ title: "AB", repliesPolicy: "followed" } as ListParams);
    assert.deepEqual(await timeline(), expect([toMember, toFollowed]), "followed");
    await client.v1.lists
      .$select(list.id)
      .update({ title: "AB", repliesPolicy: "none" } as ListParams);
    assert.deepEqual(await timeline(), expect([]), "none: only replies to the owner");
    assert.ok(!(await timeline()).includes(toStranger));

    // Pages newest first through the Link header.
    const pages: string[][] = [];
    for await (const page of client.v1.timelines.list.$select(list.id).list({ limit: 2 }))
      pages.push(idsOf(page));
    assert.deepEqual(pages.flat(), expect([]));
  });

  it("never shows a status its owner may not see, nor what they muted or blocked", async () => {
    const { url } = server();
    const [me, a, b, blocked, other] = await fiveUsers();
    const client = clientFor(url, me);
    await followOk(url, me, a);
    await followOk(url, me, b);
    const list = await client.v1.lists.create({ title: "L" });
    await client.v1.lists
      .$select(list.id)
      .accounts.create({ accountIds: [a.accountId, b.accountId] });
    const timeline = () => ids(url, `/api/v1/timelines/list/${list.id}?limit=40`, me);

    const dmToOther = await postOk(url, a, {
      status: `@${other.username} secret`,
      visibility: "direct",
    });
    const dmToMe = await postOk(url, a, { status: `@${me.username} hi`, visibility: "direct" });
    const blockedPost = await postOk(url, blocked, { status: "boost me" });
    const boostOfBlocked = (
      await api(url, "POST", `/api/v1/statuses/${blockedPost.id}/reblog`, { token: a.token })
    ).json.id;
    const visible = await postOk(url, a, { status: "fine" });
    const bPost = await postOk(url, b, { status: "b" });
    assert.equal(
      (await api(url, "POST", `/api/v1/accounts/${blocked.accountId}/block`, { token: me.token }))
        .status,
      200,
    );

    const seen = await timeline();
    assert.deepEqual(seen, [bPost.id, visible.id]);
    for (const hidden of [dmToOther.id, dmToMe.id, boostOfBlocked])
      assert.ok(!seen.includes(hidden));
    await client.v1.accounts.$select(b.accountId).mute();
    assert.deepEqual(await timeline(), [visible.id], "a muted member drops out");
    // A member who blocks the owner ends the follow, and so the membership.
    await api(url, "POST", `/api/v1/accounts/${me.accountId}/block`, { token: a.token });
    assert.deepEqual(await timeline(), []);
  });

  it("takes an exclusive list's members out of home at once, and brings them back", async () => {
    const { url } = server();
    const [me, a, b] = [await user(), await user(), await user()];
    const client = clientFor(url, me);
    await followOk(url, me, a);
    await followOk(url, me, b);
    const aPost = await postOk(url, a, { status: "a" });
    const bPost = await postOk(url, b, { status: "b" });
    const home = () => ids(url, "/api/v1/timelines/home", me);
    assert.deepEqual(await home(), [bPost.id, aPost.id]);
    const list = await client.v1.lists.create({ title: "A" });
    await client.v1.lists.$select(list.id).accounts.create({ accountIds: [a.accountId] });
    assert.deepEqual(await home(), [bPost.id, aPost.id], "not exclusive yet");
    await client.v1.lists.$select(list.id).update({ title: "A", exclusive: true });
    assert.deepEqual(await home(), [bPost.id]);
    const later = await postOk(url, a, { status: "later" });
    assert.deepEqual(await home(), [bPost.id]);
    assert.deepEqual(await ids(url, `/api/v1/timelines/list/${list.id}`, me), [later.id, aPost.id]);
    await client.v1.lists.$select(list.id).accounts.remove({ accountIds: [a.accountId] });
    assert.deepEqual(await home(), [later.id, bPost.id, aPost.id]);
  });
});

describe("lists against the Mastodon OpenAPI schema", { skip: OPENAPI_SKIP_REASON }, () => {
  eachServer("lists schema", (server) => {
    it("matches the documented shapes", async () => {
      const { url } = server();
      const ctx = server().kith.ctx;
      const [me, friend] = [await createUser(ctx), await createUser(ctx)];
      await followOk(url, me, friend);
      await postOk(url, friend, { status: "hello" });
      const check = async (method: string, path: string, body?: unknown) => {
        const res = await api(url, method, path, { token: me.token, body });
        await validateResponse(method, path, res.status, res.json);
        return res;
      };
      const list = (await check("POST", "/api/v1/lists", { title: "T", exclusive: true })).json;
      await check("GET", "/api/v1/lists");
      await check("GET", `/api/v1/lists/${list.id}`);
      await check("PUT", `/api/v1/lists/${list.id}`, { replies_policy: "followed" });
      await check("POST", `/api/v1/lists/${list.id}/accounts`, { account_ids: [friend.accountId] });
      assert.equal((await check("GET", `/api/v1/lists/${list.id}/accounts`)).json.length, 1);
      assert.equal(
        (await check("GET", `/api/v1/accounts/${friend.accountId}/lists`)).json.length,
        1,
      );
      assert.equal((await check("GET", `/api/v1/timelines/list/${list.id}`)).json.length, 1);
      await check("DELETE", `/api/v1/lists/${list.id}/accounts`, {
        account_ids: [friend.accountId],
      });
      await check("POST", "/api/v1/lists", { title: "" });
      await check("GET", "/api/v1/lists/123");
      await check("DELETE", `/api/v1/lists/${list.id}`);
    });
  });
});
