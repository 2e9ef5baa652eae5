import assert from "node:assert/strict";
import { it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { newId } from "../../src/db/ids.ts";
import {
  FAN_OUT_INLINE_LIMIT,
  removeFromHomeFeedOnUnfollow,
} from "../../src/domain/timelines/home-feed.ts";
import { insertAccount } from "../domain/visibility-fixtures.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { block, follow, ids, linkPath, mute, postOk } from "./statuses-fixtures.ts";

eachServer("timelines", (server) => {
  const ctx = () => server().kith.ctx;
  const url = () => server().url;

  /** Walks a list by its Link header both ways and checks the pages tile the whole list. */
  async function checkPaging(path: string, user: TestUser | undefined, expected: string[]) {
    const sep = path.includes("?") ? "&" : "?";
    const pages: string[][] = [];
    let next: string | null = `${path}${sep}limit=3`;
    const visited: string[] = [];
    while (next) {
      const res = await api(url(), "GET", next, user ? { token: user.token } : {});
      assert.equal(res.status, 200);
      const page = res.json.map((s: { id: string }) => s.id);
      pages.push(page);
      visited.push(next);
      next = linkPath(res.headers, "next");
      if (page.length < 3) assert.equal(next, null, "no next link after a short page");
    }
    assert.deepEqual(pages.flat(), expected, "pages have no gaps or overlaps");
    // A full last page links to an empty one; walk back from the last page with statuses.
    if (pages.length > 1 && pages[pages.length - 1]!.length === 0) {
      pages.pop();
      visited.pop();
    }
    // From the last page, prev links (min_id) lead back through the same pages.
    let prev: string | null = visited[visited.length - 1]!;
    const back: string[][] = [];
    for (let i = pages.length - 1; i >= 0 && prev; i--) {
      const res = await api(url(), "GET", prev, user ? { token: user.token } : {});
      back.unshift(res.json.map((s: { id: string }) => s.id));
      prev = linkPath(res.headers, "prev");
    }
    assert.deepEqual(back, pages);
  }

  it("builds the home timeline from follows and pages it both ways", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const carol = await createUser(ctx());
    await follow(ctx(), bob, alice);
    const posted: string[] = [];
    for (let i = 0; i < 4; i++) posted.push((await postOk(url(), alice, { status: `a${i}` })).id);
    posted.push((await postOk(url(), bob, { status: "mine" })).id);
    posted.push((await postOk(url(), alice, { status: "quiet", visibility: "private" })).id);
    posted.push((await postOk(url(), alice, { status: "later", visibility: "unlisted" })).id);
    await postOk(url(), carol, { status: "not followed" });
    const expected = [...posted].reverse();
    assert.deepEqual(await ids(url(), "/api/v1/timelines/home", bob), expected);
    await checkPaging("/api/v1/timelines/home", bob, expected);
    const since = await ids(url(), `/api/v1/timelines/home?since_id=${posted[4]}`, bob);
    assert.deepEqual(since, expected.slice(0, 2));
    const between = await ids(
      url(),
      `/api/v1/timelines/home?min_id=${posted[1]}&max_id=${posted[5]}`,
      bob,
    );
    assert.deepEqual(between, [posted[4], posted[3], posted[2]]);
    assert.equal((await api(url(), "GET", "/api/v1/timelines/home")).status, 401);
  });

  it("routes replies, reblogs and direct statuses as Mastodon does", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const carol = await createUser(ctx());
    const dave = await createUser(ctx());
    await follow(ctx(), bob, alice);
    await follow(ctx(), dave, alice, { showReblogs: false });
    const carols = await postOk(url(), carol, { status: "carol's" });
    const bobs = await postOk(url(), bob, { status: "bob's" });
    const toCarol = await postOk(url(), alice, { status: "re", in_reply_to_id: carols.id });
    const toBob = await postOk(url(), alice, { status: "re", in_reply_to_id: bobs.id });
    const reblog = await api(url(), "POST", `/api/v1/statuses/${carols.id}/reblog`, {
      token: alice.token,
    });
    const dm = await postOk(url(), alice, {
      status: `@${carol.username} psst`,
      visibility: "direct",
    });
    const bobHome = await ids(url(), "/api/v1/timelines/home", bob);
    assert.ok(!bobHome.includes(toCarol.id), "a reply to someone bob does not follow");
    assert.ok(bobHome.includes(toBob.id), "a reply to bob himself");
    assert.ok(bobHome.includes(reblog.json.id), "reblogs of followed accounts");
    assert.ok(!bobHome.includes(dm.id), "a direct status not addressed to bob");
    const daveHome = await ids(url(), "/api/v1/timelines/home", dave);
    assert.ok(!daveHome.includes(reblog.json.id), "dave hid alice's reblogs");
    const carolHome = await ids(url(), "/api/v1/timelines/home", carol);
    assert.ok(carolHome.includes(dm.id), "a direct status reaches the mentioned account");
    assert.ok(!carolHome.includes(reblog.json.id), "carol already has her own status");
  });

  it("merges on follow, removes on unfollow, hides muted and blocked accounts", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const open = await postOk(url(), alice, { status: "before" });
    const closed = await postOk(url(), alice, { status: "closed", visibility: "private" });
    const dm = await postOk(url(), alice, { status: "dm", visibility: "direct" });
    await follow(ctx(), bob, alice);
    const merged = await ids(url(), "/api/v1/timelines/home", bob);
    assert.deepEqual(merged, [closed.id, open.id]);
    assert.ok(!merged.includes(dm.id));
    await mute(ctx(), bob, alice, new Date(Date.now() - 1000).toISOString());
    assert.deepEqual(await ids(url(), "/api/v1/timelines/home", bob), merged, "expired mute");
    await ctx().db.kysely.deleteFrom("mutes").where("account_id", "=", bob.accountId).execute();
    await mute(ctx(), bob, alice);
    assert.deepEqual(await ids(url(), "/api/v1/timelines/home", bob), []);
    await ctx().db.kysely.deleteFrom("mutes").where("account_id", "=", bob.accountId).execute();
    await block(ctx(), alice, bob);
    assert.deepEqual(await ids(url(), "/api/v1/timelines/home", bob), [], "blocked by alice");
    await ctx().db.kysely.deleteFrom("blocks").where("account_id", "=", alice.accountId).execute();
    await ctx().db.kysely.deleteFrom("follows").where("account_id", "=", bob.accountId).execute();
    await removeFromHomeFeedOnUnfollow(ctx(), bob.accountId, alice.accountId);
    assert.deepEqual(await ids(url(), "/api/v1/timelines/home", bob), []);
  });

  it("fans out to a large audience through the job queue", async () => {
    const star = await createUser(ctx());
    const fan = await createUser(ctx());
    await follow(ctx(), fan, star, { notify: true });
    const now = new Date().toISOString();
    for (let i = 0; i < FAN_OUT_INLINE_LIMIT; i++) {
      const id = await insertAccount(ctx(), `crowd${i}_${Date.now() % 100000}`);
      await ctx()
        .db.kysely.insertInto("follows")
        .values({
          id: newId(),
          account_id: id,
          target_account_id: star.accountId,
          languages: null,
          uri: null,
          created_at: now,
        })
        .execute();
    }
    const s = await postOk(url(), star, { status: "hello crowd" });
    assert.ok((await ids(url(), "/api/v1/timelines/home", star)).includes(s.id), "own feed now");
    let count = 0;
    for (let i = 0; i < 100; i++) {
      const row = await ctx()
        .db.kysely.selectFrom("home_feed")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("status_id", "=", s.id)
        .executeTakeFirstOrThrow();
      count = Number(row.n);
      if (count === FAN_OUT_INLINE_LIMIT + 2) break;
      await sleep(100);
    }
    assert.equal(count, FAN_OUT_INLINE_LIMIT + 2, "every follower and the author");
    assert.ok((await ids(url(), "/api/v1/timelines/home", fan)).includes(s.id));
    const notes = await ctx()
      .db.kysely.selectFrom("notifications")
      .select(["type", "status_id"])
      .where("account_id", "=", fan.accountId)
      .execute();
    assert.deepEqual(
      notes.map((n) => [n.type, n.status_id]),
      [["status", s.id]],
    );
  });

  it("serves public timelines: public, original, not replies to others", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const viewer = await createUser(ctx());
    const remoteId = await insertAccount(ctx(), "faraway", { domain: "remote.example" });
    const remote = newId();
    await ctx()
      .db.kysely.insertInto("statuses")
      .values({
        id: remote,
        uri: `https://remote.example/s/${remote}`,
        url: null,
        account_id: remoteId,
        local: 0,
        in_reply_to_id: null,
        in_reply_to_account_id: null,
        in_reply_to_uri: null,
        reblog_of_id: null,
        thread_id: remote,
        content: "<p>far</p>",
        visibility: "public",
        language: null,
        application_id: null,
        created_at: new Date().toISOString(),
        edited_at: null,
        updated_at: new Date().toISOString(),
      })
      .execute();
    const pub = await postOk(url(), alice, { status: "public" });
    await postOk(url(), alice, { status: "unlisted", visibility: "unlisted" });
    await postOk(url(), alice, { status: "private", visibility: "private" });
    await api(url(), "POST", `/api/v1/statuses/${pub.id}/reblog`, { token: bob.token });
    await postOk(url(), bob, { status: "reply", in_reply_to_id: pub.id });
    const thread = await postOk(url(), alice, { status: "self", in_reply_to_id: pub.id });
    const bobs = await postOk(url(), bob, { status: "bob" });

    const all = await ids(url(), "/api/v1/timelines/public?limit=40");
    const expected = [bobs.id, thread.id, pub.id];
    assert.deepEqual(all.slice(0, 3), expected);
    assert.ok(all.includes(remote));
    const local = await ids(url(), "/api/v1/timelines/public?local=true&limit=40");
    assert.ok(!local.includes(remote));
    assert.deepEqual(local.slice(0, 3), expected);
    assert.deepEqual(await ids(url(), "/api/v1/timelines/public?remote=true"), [remote]);
    assert.deepEqual(await ids(url(), "/api/v1/timelines/public?only_media=true"), []);

    await mute(ctx(), viewer, bob);
    await block(ctx(), alice, viewer);
    const filtered = await ids(url(), "/api/v1/timelines/public?local=true&limit=40", viewer);
    assert.ok(!filtered.includes(bobs.id), "muted");
    assert.ok(!filtered.includes(pub.id), "blocked by the author");
    assert.ok(local.length < 40, "the whole local timeline fits in one big page");
    await checkPaging("/api/v1/timelines/public?local=true", undefined, local);
  });

  it("serves hashtag timelines with any, all and none", async () => {
    const alice = await createUser(ctx());
    const tag = `t${Date.now() % 100000}`;
    const one = await postOk(url(), alice, { status: `#${tag} one` });
    const both = await postOk(url(), alice, { status: `#${tag.toUpperCase()} #${tag}x both` });
    const other = await postOk(url(), alice, { status: `#${tag}x other` });
    await postOk(url(), alice, { status: `#${tag} hidden`, visibility: "unlisted" });
    const base = `/api/v1/timelines/tag/${tag}`;
    assert.deepEqual(await ids(url(), base), [both.id, one.id]);
    assert.deepEqual(await ids(url(), `/api/v1/timelines/tag/${tag.toUpperCase()}`), [
      both.id,
      one.id,
    ]);
    assert.deepEqual(await ids(url(), `${base}?any[]=${tag}x`), [other.id, both.id, one.id]);
    assert.deepEqual(await ids(url(), `${base}?all[]=${tag}x`), [both.id]);
    assert.deepEqual(await ids(url(), `${base}?none[]=${tag}x`), [one.id]);
    assert.deepEqual(await ids(url(), `${base}?all[]=unknowntag`), []);
    assert.deepEqual(await ids(url(), "/api/v1/timelines/tag/neverused"), []);
    await checkPaging(`${base}?any[]=${tag}x`, undefined, [other.id, both.id, one.id]);
  });

  it("lists an account's statuses with its filters", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const follower = await createUser(ctx());
    await follow(ctx(), follower, alice);
    const bobs = await postOk(url(), bob, { status: "bob" });
    const plain = await postOk(url(), alice, { status: "plain #cats" });
    const reply = await postOk(url(), alice, { status: "reply", in_reply_to_id: bobs.id });
    const self = await postOk(url(), alice, { status: "self", in_reply_to_id: plain.id });
    const reblog = await api(url(), "POST", `/api/v1/statuses/${bobs.id}/reblog`, {
      token: alice.token,
    });
    const closed = await postOk(url(), alice, { status: "closed", visibility: "private" });
    const path = `/api/v1/accounts/${alice.accountId}/statuses`;
    const everything = [closed.id, reblog.json.id, self.id, reply.id, plain.id];
    assert.deepEqual(await ids(url(), path, follower), everything);
    assert.deepEqual(await ids(url(), path), everything.slice(1));
    assert.deepEqual(await ids(url(), `${path}?exclude_replies=true`), [
      reblog.json.id,
      self.id,
      plain.id,
    ]);
    assert.deepEqual(await ids(url(), `${path}?exclude_reblogs=true`), [
      self.id,
      reply.id,
      plain.id,
    ]);
    assert.deepEqual(await ids(url(), `${path}?tagged=cats`), [plain.id]);
    assert.deepEqual(await ids(url(), `${path}?only_media=true`), []);
    await checkPaging(path, follower, everything);
    const missing = await api(url(), "GET", "/api/v1/accounts/123456789012345678/statuses");
    assert.equal(missing.status, 404);
    await block(ctx(), alice, bob);
    assert.deepEqual(await ids(url(), path, bob), [], "blocked readers see nothing");
  });

  it("lists bookmarks and favourites in the order they were saved", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const posted: string[] = [];
    for (let i = 0; i < 5; i++) posted.push((await postOk(url(), alice, { status: `${i}` })).id);
    const order = [posted[3]!, posted[0]!, posted[4]!, posted[1]!];
    for (const id of order) {
      await api(url(), "POST", `/api/v1/statuses/${id}/bookmark`, { token: bob.token });
      await api(url(), "POST", `/api/v1/statuses/${id}/favourite`, { token: bob.token });
    }
    const newestSaved = [...order].reverse();
    for (const list of ["bookmarks", "favourites"]) {
      assert.deepEqual(await ids(url(), `/api/v1/${list}`, bob), newestSaved);
      await checkPaging(`/api/v1/${list}`, bob, newestSaved);
      const res = await api(url(), "GET", `/api/v1/${list}?limit=2`, { token: bob.token });
      const next = linkPath(res.headers, "next")!;
      assert.ok(!posted.some((id) => next.includes(id)), "the cursor is the saved row's ID");
      assert.equal((await api(url(), "GET", `/api/v1/${list}`)).status, 401);
    }
    await block(ctx(), alice, bob);
    assert.deepEqual(await ids(url(), "/api/v1/bookmarks", bob), []);
  });
});
