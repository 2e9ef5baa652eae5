// Lists around the social graph: the Relationship entity for several accounts, followers and
// following with Link pagination both ways and hide_collections, follow requests and familiar
// followers, on both databases.
import assert from "node:assert/strict";
import { it } from "node:test";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { blockAccount, followOk, links, muteAccount, setAccount } from "./accounts-fixtures.ts";

eachServer("relationships API (lists)", (server) => {
  const ctx = () => server().kith.ctx;

  it("relationships come in the order asked, skipping unknown and suspended accounts", async () => {
    const { url } = server();
    const me = await createUser(ctx());
    const [a, b, gone] = [
      await createUser(ctx()),
      await createUser(ctx()),
      await createUser(ctx()),
    ];
    await followOk(url, me, a);
    await followOk(url, b, me);
    await muteAccount(ctx(), me.accountId, b.accountId, false);
    await setAccount(ctx(), gone.accountId, { suspended_at: new Date().toISOString() });
    const query = [b.accountId, "123", "zzz", a.accountId, gone.accountId, a.accountId]
      .map((id) => `id[]=${id}`)
      .join("&");
    const res = await api(url, "GET", `/api/v1/accounts/relationships?${query}`, {
      token: me.token,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.json.map((r: { id: string }) => r.id),
      [b.accountId, a.accountId],
    );
    const [rb, ra] = res.json;
    assert.equal(rb.followed_by, true);
    assert.equal(rb.following, false);
    assert.equal(rb.muting, true);
    assert.equal(rb.muting_notifications, false);
    assert.equal(ra.following, true);
    assert.equal(ra.muting, false);
    const withSuspended = await api(
      url,
      "GET",
      `/api/v1/accounts/relationships?id[]=${gone.accountId}&with_suspended=true`,
      { token: me.token },
    );
    assert.deepEqual(
      withSuspended.json.map((r: { id: string }) => r.id),
      [gone.accountId],
    );
    const single = await api(url, "GET", `/api/v1/accounts/relationships?id=${a.accountId}`, {
      token: me.token,
    });
    assert.equal(single.json[0].following, true);
    assert.deepEqual(
      (await api(url, "GET", "/api/v1/accounts/relationships", { token: me.token })).json,
      [],
    );
  });

  it("pages followers and following by follow row, both ways, with Link headers", async () => {
    const { url } = server();
    const star = await createUser(ctx());
    const fans: TestUser[] = [];
    for (let i = 0; i < 5; i++) {
      const fan = await createUser(ctx());
      await followOk(url, fan, star);
      fans.push(fan);
    }
    const newestFirst = fans.map((f) => f.accountId).reverse();
    const ids = (res: { json: { id: string }[] }) => res.json.map((a) => a.id);

    const all = await api(url, "GET", `/api/v1/accounts/${star.accountId}/followers`);
    assert.deepEqual(ids(all), newestFirst);
    assert.equal(links(all.headers).next, undefined, "no next link on a short page");

    const page1 = await api(url, "GET", `/api/v1/accounts/${star.accountId}/followers?limit=2`);
    assert.deepEqual(ids(page1), newestFirst.slice(0, 2));
    const l1 = links(page1.headers);
    assert.ok(l1.next && l1.prev);
    assert.equal(l1.next.searchParams.get("limit"), "2");
    const page2 = await api(url, "GET", `${l1.next.pathname}${l1.next.search}`);
    assert.deepEqual(ids(page2), newestFirst.slice(2, 4));
    const l2 = links(page2.headers);
    const page3 = await api(url, "GET", `${l2.next!.pathname}${l2.next!.search}`);
    assert.deepEqual(ids(page3), newestFirst.slice(4));
    assert.equal(links(page3.headers).next, undefined);
    // Going back from page 2 gives page 1 again.
    const back = await api(url, "GET", `${l2.prev!.pathname}${l2.prev!.search}`);
    assert.deepEqual(ids(back), newestFirst.slice(0, 2));
    // The cursor is the follow row, not the account ID.
    assert.notEqual(l1.next.searchParams.get("max_id"), newestFirst[1]);
    const since = await api(
      url,
      "GET",
      `/api/v1/accounts/${star.accountId}/followers?since_id=${l2.prev!.searchParams.get("min_id")}`,
    );
    assert.deepEqual(ids(since), newestFirst.slice(0, 2));

    const following = await api(url, "GET", `/api/v1/accounts/${fans[0]!.accountId}/following`);
    assert.deepEqual(ids(following), [star.accountId]);
    assert.equal(
      (await api(url, "GET", `/api/v1/accounts/${star.accountId}/followers?limit=x`)).status,
      422,
    );
    assert.equal((await api(url, "GET", "/api/v1/accounts/123/followers")).status, 404);
    assert.equal((await api(url, "GET", "/api/v1/accounts/abc/following")).status, 404);

    // The viewer's blocks and mutes leave those accounts out.
    const viewer = await createUser(ctx());
    await blockAccount(ctx(), viewer.accountId, fans[4]!.accountId);
    await muteAccount(ctx(), viewer.accountId, fans[3]!.accountId);
    const filtered = await api(url, "GET", `/api/v1/accounts/${star.accountId}/followers`, {
      token: viewer.token,
    });
    assert.deepEqual(ids(filtered), newestFirst.slice(2));

    // hide_collections hides the lists from everyone but the owner.
    await api(url, "PATCH", "/api/v1/accounts/update_credentials", {
      token: star.token,
      body: { hide_collections: true },
    });
    const hidden = await api(url, "GET", `/api/v1/accounts/${star.accountId}/followers`, {
      token: viewer.token,
    });
    assert.equal(hidden.status, 200);
    assert.deepEqual(hidden.json, []);
    assert.deepEqual(
      (await api(url, "GET", `/api/v1/accounts/${star.accountId}/followers`)).json,
      [],
    );
    const own = await api(url, "GET", `/api/v1/accounts/${star.accountId}/followers`, {
      token: star.token,
    });
    assert.deepEqual(ids(own), newestFirst);

    // An account that blocks the viewer hides its lists from them.
    const shy = await createUser(ctx());
    await followOk(url, fans[0]!, shy);
    await blockAccount(ctx(), shy.accountId, viewer.accountId);
    const blocked = await api(url, "GET", `/api/v1/accounts/${shy.accountId}/followers`, {
      token: viewer.token,
    });
    assert.deepEqual(blocked.json, []);
    assert.equal(
      (await api(url, "GET", `/api/v1/accounts/${shy.accountId}/followers`)).json.length,
      1,
    );
  });

  it("pages follow requests and finds familiar followers", async () => {
    const { url } = server();
    const me = await createUser(ctx());
    const locked = await createUser(ctx());
    await setAccount(ctx(), locked.accountId, { locked: 1 });
    const askers: TestUser[] = [];
    for (let i = 0; i < 3; i++) {
      const u = await createUser(ctx());
      await followOk(url, u, locked);
      askers.push(u);
    }
    const page1 = await api(url, "GET", "/api/v1/follow_requests?limit=2", { token: locked.token });
    assert.deepEqual(
      page1.json.map((a: { id: string }) => a.id),
      [askers[2]!.accountId, askers[1]!.accountId],
    );
    const next = links(page1.headers).next!;
    const page2 = await api(url, "GET", `${next.pathname}${next.search}`, { token: locked.token });
    assert.deepEqual(
      page2.json.map((a: { id: string }) => a.id),
      [askers[0]!.accountId],
    );
    assert.equal((await api(url, "GET", "/api/v1/follow_requests")).status, 401);

    // Familiar followers: people I follow who follow the account.
    const target = await createUser(ctx());
    const friend = await createUser(ctx());
    const shy = await createUser(ctx());
    await followOk(url, me, friend);
    await followOk(url, me, shy);
    await followOk(url, friend, target);
    await followOk(url, shy, target);
    await api(url, "PATCH", "/api/v1/accounts/update_credentials", {
      token: shy.token,
      body: { hide_collections: true },
    });
    const familiar = await api(
      url,
      "GET",
      `/api/v1/accounts/familiar_followers?id[]=${target.accountId}&id[]=${friend.accountId}&id[]=42`,
      { token: me.token },
    );
    assert.equal(familiar.status, 200);
    assert.deepEqual(
      familiar.json.map((r: { id: string; accounts: { id: string }[] }) => [
        r.id,
        r.accounts.map((a) => a.id),
      ]),
      [
        [target.accountId, [friend.accountId]],
        [friend.accountId, []],
      ],
    );
  });
});
