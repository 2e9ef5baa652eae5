import assert from "node:assert/strict";
import { it } from "node:test";
import { eachServer } from "../helpers/server.ts";
import { api, createUser } from "../helpers/users.ts";
import { follow, ids, postOk } from "./statuses-fixtures.ts";

eachServer("status actions", (server) => {
  const ctx = () => server().kith.ctx;
  const url = () => server().url;

  it("favourites idempotently, with counters, flags and a notification", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const s = await postOk(url(), alice, { status: "like me" });
    const path = `/api/v1/statuses/${s.id}`;
    const fav = await api(url(), "POST", `${path}/favourite`, { token: bob.token });
    assert.equal(fav.status, 200);
    assert.equal(fav.json.favourited, true);
    assert.equal(fav.json.favourites_count, 1);
    const twice = await api(url(), "POST", `${path}/favourite`, { token: bob.token });
    assert.equal(twice.json.favourites_count, 1);
    const notes = await ctx()
      .db.kysely.selectFrom("notifications")
      .select("type")
      .where("account_id", "=", alice.accountId)
      .execute();
    assert.deepEqual(
      notes.map((n) => n.type),
      ["favourite"],
    );
    const unfav = await api(url(), "POST", `${path}/unfavourite`, { token: bob.token });
    assert.equal(unfav.json.favourited, false);
    assert.equal(unfav.json.favourites_count, 0);
    const noScope = await createUser(ctx(), { scopes: ["read"] });
    const refused = await api(url(), "POST", `${path}/favourite`, { token: noScope.token });
    assert.equal(refused.status, 403);
    assert.equal((await api(url(), "POST", `${path}/favourite`)).status, 401);
  });

  it("reblogs public statuses only, once, and undoes it", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const s = await postOk(url(), alice, { status: "boost me" });
    const path = `/api/v1/statuses/${s.id}`;
    const rb = await api(url(), "POST", `${path}/reblog`, {
      token: bob.token,
      body: { visibility: "unlisted" },
    });
    assert.equal(rb.status, 200);
    assert.notEqual(rb.json.id, s.id);
    assert.equal(rb.json.visibility, "unlisted");
    assert.equal(rb.json.reblog.id, s.id);
    assert.equal(rb.json.reblog.reblogged, true);
    assert.equal(rb.json.reblog.reblogs_count, 1);
    assert.equal(rb.json.content, "");
    const again = await api(url(), "POST", `${path}/reblog`, { token: bob.token });
    assert.equal(again.json.id, rb.json.id, "reblogging twice gives the same reblog");
    const viaReblog = await api(url(), "GET", `/api/v1/statuses/${rb.json.id}`);
    assert.equal(viaReblog.json.reblog.reblogs_count, 1);

    const un = await api(url(), "POST", `${path}/unreblog`, { token: bob.token });
    assert.equal(un.json.id, s.id);
    assert.equal(un.json.reblogged, false);
    assert.equal(un.json.reblogs_count, 0);
    assert.equal((await api(url(), "GET", `/api/v1/statuses/${rb.json.id}`)).status, 404);

    await follow(ctx(), bob, alice);
    const priv = await postOk(url(), alice, { status: "mine", visibility: "private" });
    const refused = await api(url(), "POST", `/api/v1/statuses/${priv.id}/reblog`, {
      token: bob.token,
    });
    assert.equal(refused.status, 422);
    const dm = await postOk(url(), alice, { status: `@${bob.username} hi`, visibility: "direct" });
    const dmReblog = await api(url(), "POST", `/api/v1/statuses/${dm.id}/reblog`, {
      token: bob.token,
    });
    assert.equal(dmReblog.status, 422);
    const own = await api(url(), "POST", `/api/v1/statuses/${priv.id}/reblog`, {
      token: alice.token,
    });
    assert.equal(own.status, 200, "an author may boost their own followers-only post");
    assert.equal(own.json.visibility, "private");
  });

  it("bookmarks, pins (own public posts, at most five) and mutes conversations", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const s = await postOk(url(), alice, { status: "keep" });
    const path = `/api/v1/statuses/${s.id}`;
    const bm = await api(url(), "POST", `${path}/bookmark`, { token: bob.token });
    assert.equal(bm.json.bookmarked, true);
    const unbm = await api(url(), "POST", `${path}/unbookmark`, { token: bob.token });
    assert.equal(unbm.json.bookmarked, false);

    const muted = await api(url(), "POST", `${path}/mute`, { token: bob.token });
    assert.equal(muted.json.muted, true);
    const unmuted = await api(url(), "POST", `${path}/unmute`, { token: bob.token });
    assert.equal(unmuted.json.muted, false);

    const notMine = await api(url(), "POST", `${path}/pin`, { token: bob.token });
    assert.equal(notMine.status, 422);
    const pinned = await api(url(), "POST", `${path}/pin`, { token: alice.token });
    assert.equal(pinned.json.pinned, true);
    const priv = await postOk(url(), alice, { status: "p", visibility: "private" });
    const privPin = await api(url(), "POST", `/api/v1/statuses/${priv.id}/pin`, {
      token: alice.token,
    });
    assert.equal(privPin.status, 422);
    for (let i = 0; i < 4; i++) {
      const more = await postOk(url(), alice, { status: `pin ${i}` });
      const r = await api(url(), "POST", `/api/v1/statuses/${more.id}/pin`, {
        token: alice.token,
      });
      assert.equal(r.status, 200);
    }
    const sixth = await postOk(url(), alice, { status: "too many" });
    const over = await api(url(), "POST", `/api/v1/statuses/${sixth.id}/pin`, {
      token: alice.token,
    });
    assert.equal(over.status, 422);
    const pins = await ids(url(), `/api/v1/accounts/${alice.accountId}/statuses?pinned=true`);
    assert.equal(pins.length, 5);
    assert.ok(pins.includes(s.id));
    const unpin = await api(url(), "POST", `${path}/unpin`, { token: alice.token });
    assert.equal(unpin.json.pinned, false);
  });

  it("lists who favourited and reblogged, paged by Link in both directions", async () => {
    const alice = await createUser(ctx());
    const s = await postOk(url(), alice, { status: "popular" });
    const fans = [];
    for (let i = 0; i < 5; i++) {
      const fan = await createUser(ctx());
      fans.push(fan);
      await api(url(), "POST", `/api/v1/statuses/${s.id}/favourite`, { token: fan.token });
      await api(url(), "POST", `/api/v1/statuses/${s.id}/reblog`, { token: fan.token });
    }
    const newestFirst = fans.map((f) => f.accountId).reverse();
    for (const list of ["favourited_by", "reblogged_by"]) {
      const first = await api(url(), "GET", `/api/v1/statuses/${s.id}/${list}?limit=2`);
      assert.deepEqual(
        first.json.map((a: { id: string }) => a.id),
        newestFirst.slice(0, 2),
      );
      const next = new URL(/<([^>]+)>; rel="next"/.exec(first.headers.get("link")!)![1]!);
      const second = await api(url(), "GET", `${next.pathname}${next.search}`);
      assert.deepEqual(
        second.json.map((a: { id: string }) => a.id),
        newestFirst.slice(2, 4),
      );
      const prev = new URL(/<([^>]+)>; rel="prev"/.exec(second.headers.get("link")!)![1]!);
      const back = await api(url(), "GET", `${prev.pathname}${prev.search}`);
      assert.deepEqual(
        back.json.map((a: { id: string }) => a.id),
        newestFirst.slice(0, 2),
      );
    }
  });
});
