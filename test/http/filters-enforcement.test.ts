// Filters at work, on both databases: a warn filter puts `filtered` (keyword_matches) on the
// statuses of home, public, thread, account and notifications; a hide filter takes statuses
// out of home, lists, public, tag, account, thread, notifications and search (while someone
// without the filter still sees them), and a shortened page still links on; whole words
// against substrings; an expired filter no longer counts; a boost is filtered by its
// original; filtered statuses give status_matches.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { follow, linkPath, postOk } from "./statuses-fixtures.ts";

const ALL = ["home", "notifications", "public", "thread", "account"];

eachServer("filters enforced", (server) => {
  const ctx = () => server().kith.ctx;
  const call = (user: TestUser, method: string, path: string, body?: unknown) =>
    api(server().url, method, path, { token: user.token, ...(body ? { body } : {}) });
  const get = async (user: TestUser, path: string) => {
    const res = await call(user, "GET", path);
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.json)}`);
    return res;
  };
  const makeFilter = async (user: TestUser, body: Record<string, unknown>) => {
    const res = await call(user, "POST", "/api/v2/filters", { context: ALL, ...body });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json as { id: string };
  };
  const keyword = (keyword: string, whole_word = true) => [{ keyword, whole_word }];
  // biome-ignore lint/suspicious/noExplicitAny: statuses are read field by field
  type Json = any;
  const find = (statuses: Json[], id: string) => statuses.find((s: Json) => s.id === id);

  let author: TestUser;
  let booster: TestUser;
  before(async () => {
    author = await createUser(ctx());
    booster = await createUser(ctx());
  });

  it("marks matching statuses with filtered (warn) in every context", async () => {
    const me = await createUser(ctx());
    await follow(ctx(), me, author);
    const filter = await makeFilter(me, {
      title: "Drinks",
      filter_action: "warn",
      keywords_attributes: keyword("coffee"),
    });
    const root = await postOk(server().url, author, {
      status: `Morning COFFEE with @${me.username}`,
    });
    const reply = await postOk(server().url, author, { status: "tea", in_reply_to_id: root.id });
    const check = (status: Json, where: string) => {
      assert.ok(status, `${where}: status missing`);
      assert.deepEqual(
        status.filtered,
        [
          {
            filter: {
              id: filter.id,
              title: "Drinks",
              context: ALL,
              expires_at: null,
              filter_action: "warn",
            },
            keyword_matches: ["COFFEE"],
            status_matches: null,
          },
        ],
        where,
      );
    };
    check(find((await get(me, "/api/v1/timelines/home")).json, root.id), "home");
    check(find((await get(me, "/api/v1/timelines/public")).json, root.id), "public");
    check(
      find((await get(me, `/api/v1/accounts/${author.accountId}/statuses`)).json, root.id),
      "account",
    );
    check((await get(me, `/api/v1/statuses/${reply.id}/context`)).json.ancestors[0], "thread");
    const notifications = (await get(me, "/api/v1/notifications")).json;
    check(notifications.find((n: Json) => n.status?.id === root.id)?.status, "notifications");
    const grouped = (await get(me, "/api/v2/notifications")).json;
    check(find(grouped.statuses, root.id), "grouped notifications");
    // The status that does not match carries an empty list.
    assert.deepEqual(find((await get(me, "/api/v1/timelines/home")).json, reply.id).filtered, []);
    // The author's own view is never filtered by someone else's filter.
    assert.deepEqual(
      find((await get(author, "/api/v1/timelines/home")).json, root.id).filtered,
      [],
    );
  });

  it("applies a filter only in its contexts; a single status shows every match", async () => {
    const me = await createUser(ctx());
    await follow(ctx(), me, author);
    await makeFilter(me, {
      title: "Only public",
      context: ["public"],
      filter_action: "hide",
      keywords_attributes: keyword("kumquat"),
    });
    const status = await postOk(server().url, author, { status: "kumquat season" });
    assert.deepEqual(find((await get(me, "/api/v1/timelines/home")).json, status.id).filtered, []);
    assert.equal(find((await get(me, "/api/v1/timelines/public")).json, status.id), undefined);
    const single = (await get(me, `/api/v1/statuses/${status.id}`)).json;
    assert.equal(single.filtered[0].filter.filter_action, "hide");
  });

  it("lists a status a blur filter matches, with the action for the client to blur", async () => {
    const me = await createUser(ctx());
    await follow(ctx(), me, author);
    await makeFilter(me, {
      title: "Blurry",
      filter_action: "blur",
      keywords_attributes: keyword("fog"),
    });
    const status = await postOk(server().url, author, { status: "fog today" });
    const seen = find((await get(me, "/api/v1/timelines/home")).json, status.id);
    assert.equal(seen?.filtered[0].filter.filter_action, "blur");
  });

  it("hides matching statuses everywhere from the filter's owner only", async () => {
    const hider = await createUser(ctx());
    const control = await createUser(ctx());
    for (const viewer of [hider, control]) await follow(ctx(), viewer, author);
    await makeFilter(hider, {
      title: "Fruit",
      filter_action: "hide",
      keywords_attributes: keyword("durian"),
    });
    const root = await postOk(server().url, author, { status: "fruit thread" });
    const apple = await postOk(server().url, author, {
      status: `#fruitbowl apple for @${hider.username} and @${control.username}`,
    });
    const durian = await postOk(server().url, author, {
      status: `#fruitbowl Durian for @${hider.username} and @${control.username}`,
      in_reply_to_id: root.id,
    });
    const list = await call(hider, "POST", "/api/v1/lists", { title: "Fruit people" });
    const controlList = await call(control, "POST", "/api/v1/lists", { title: "Fruit people" });
    for (const [user, l] of [
      [hider, list],
      [control, controlList],
    ] as const)
      await call(user, "POST", `/api/v1/lists/${l.json.id}/accounts`, {
        account_ids: [author.accountId],
      });
    const listPath = (user: TestUser) =>
      `/api/v1/timelines/list/${(user === hider ? list : controlList).json.id}`;
    const ids = async (user: TestUser, path: string) =>
      ((await get(user, path)).json as Json[]).map((s: Json) => s.id);
    const paths = (user: TestUser) => [
      "/api/v1/timelines/home",
      listPath(user),
      "/api/v1/timelines/public",
      "/api/v1/timelines/tag/fruitbowl",
      `/api/v1/accounts/${author.accountId}/statuses`,
    ];
    for (const [i, path] of paths(hider).entries()) {
      const seen = await ids(hider, path);
      assert.ok(seen.includes(apple.id), `${path}: apple`);
      assert.ok(!seen.includes(durian.id), `${path}: durian hidden`);
      assert.ok((await ids(control, paths(control)[i]!)).includes(durian.id), `${path}: control`);
    }
    const thread = async (user: TestUser) =>
      (await get(user, `/api/v1/statuses/${root.id}/context`)).json.descendants.map(
        (s: Json) => s.id,
      );
    assert.deepEqual(await thread(hider), []);
    assert.deepEqual(await thread(control), [durian.id]);

    const mentioned = async (user: TestUser) =>
      ((await get(user, "/api/v1/notifications?types[]=mention")).json as Json[]).map(
        (n: Json) => n.status.id,
      );
    assert.deepEqual(await mentioned(hider), [apple.id]);
    assert.deepEqual(await mentioned(control), [durian.id, apple.id]);
    const grouped = (await get(hider, "/api/v2/notifications?types[]=mention")).json;
    assert.deepEqual(
      grouped.notification_groups.map((g: Json) => g.status_id),
      [apple.id],
    );

    const search = async (user: TestUser, q: string) =>
      ((await get(user, `/api/v2/search?type=statuses&q=${q}`)).json.statuses as Json[]).map(
        (s: Json) => s.id,
      );
    assert.deepEqual(await search(hider, "durian"), []);
    assert.deepEqual(await search(control, "durian"), [durian.id]);
    assert.deepEqual(await search(hider, "apple"), [apple.id]);

    // A page the filter emptied still links to the next one, which goes on past it.
    const page = await get(hider, `/api/v1/accounts/${author.accountId}/statuses?limit=1`);
    assert.deepEqual(page.json, [], "the newest status (durian) is hidden");
    const next = linkPath(page.headers, "next");
    assert.ok(next?.includes(`max_id=${durian.id}`), String(next));
    assert.deepEqual(await ids(hider, next!), [apple.id]);
  });

  it("tells whole words from substrings", async () => {
    const me = await createUser(ctx());
    await follow(ctx(), me, author);
    const whole = await makeFilter(me, { title: "whole", keywords_attributes: keyword("cat") });
    const part = await makeFilter(me, {
      title: "part",
      keywords_attributes: keyword("dog", false),
    });
    const a = await postOk(server().url, author, { status: "concatenate hotdogs" });
    const b = await postOk(server().url, author, { status: "a cat, a dog" });
    const home = (await get(me, "/api/v1/timelines/home")).json;
    const by = (s: Json) => s.filtered.map((r: Json) => [r.filter.id, r.keyword_matches[0]]);
    assert.deepEqual(by(find(home, a.id)), [[part.id, "dog"]]);
    assert.deepEqual(by(find(home, b.id)), [
      [whole.id, "cat"],
      [part.id, "dog"],
    ]);
  });

  it("matches media descriptions too", async () => {
    const me = await createUser(ctx());
    await follow(ctx(), me, author);
    const parrot = await makeFilter(me, { title: "birds", keywords_attributes: keyword("parrot") });
    const { default: sharp } = await import("sharp");
    const png = await sharp({
      create: { width: 8, height: 8, channels: 3, background: "green" },
    })
      .png()
      .toBuffer();
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(png)], { type: "image/png" }), "bird.png");
    form.set("description", "A green parrot on a branch");
    const upload = await fetch(`${server().url}/api/v1/media`, {
      method: "POST",
      headers: { authorization: `Bearer ${author.token}` },
      body: form,
    });
    assert.equal(upload.status, 200);
    const media = (await upload.json()) as { id: string };
    const post = await postOk(server().url, author, { status: "look", media_ids: [media.id] });
    const home = (await get(me, "/api/v1/timelines/home")).json;
    assert.deepEqual(
      find(home, post.id).filtered.map((r: Json) => [r.filter.id, r.keyword_matches[0]]),
      [[parrot.id, "parrot"]],
    );
  });

  it("stops applying a filter once it has expired", async () => {
    const me = await createUser(ctx());
    await follow(ctx(), me, author);
    await makeFilter(me, {
      title: "brief",
      filter_action: "hide",
      expires_in: 1,
      keywords_attributes: keyword("ephemeral"),
    });
    const status = await postOk(server().url, author, { status: "ephemeral thoughts" });
    const home = async () =>
      ((await get(me, "/api/v1/timelines/home")).json as Json[]).map((s) => s.id);
    assert.ok(!(await home()).includes(status.id), "hidden while the filter lasts");
    await sleep(1200);
    assert.ok((await home()).includes(status.id), "back once it expired");
    // The expired filter is still listed (as Mastodon keeps it).
    assert.equal((await get(me, "/api/v2/filters")).json.length, 1);
  });

  it("filters a boost by what it boosts", async () => {
    const warned = await createUser(ctx());
    const hider = await createUser(ctx());
    for (const viewer of [warned, hider]) await follow(ctx(), viewer, booster);
    const w = await makeFilter(warned, {
      title: "w",
      keywords_attributes: keyword("rambutan"),
    });
    await makeFilter(hider, {
      title: "h",
      filter_action: "hide",
      keywords_attributes: keyword("rambutan"),
    });
    const original = await postOk(server().url, author, { status: "rambutan!" });
    const boost = await call(booster, "POST", `/api/v1/statuses/${original.id}/reblog`);
    assert.equal(boost.status, 200);
    const warnedHome = (await get(warned, "/api/v1/timelines/home")).json;
    const seen = find(warnedHome, boost.json.id);
    assert.equal(seen.filtered[0].filter.id, w.id);
    assert.deepEqual(seen.filtered[0].keyword_matches, ["rambutan"]);
    assert.equal(seen.reblog.filtered[0].filter.id, w.id);
    const hiderHome = (await get(hider, "/api/v1/timelines/home")).json as Json[];
    assert.equal(find(hiderHome, boost.json.id), undefined);
  });

  it("matches filtered statuses by ID (status_matches), boosts of them too", async () => {
    const me = await createUser(ctx());
    await follow(ctx(), me, author);
    const status = await postOk(server().url, author, { status: "nothing special" });
    const boost = await call(booster, "POST", `/api/v1/statuses/${status.id}/reblog`);
    const filter = await makeFilter(me, { title: "this one" });
    const added = await call(me, "POST", `/api/v2/filters/${filter.id}/statuses`, {
      status_id: status.id,
    });
    assert.equal(added.status, 200);
    const home = (await get(me, "/api/v1/timelines/home")).json;
    assert.deepEqual(find(home, status.id).filtered[0].status_matches, [status.id]);
    assert.equal(find(home, status.id).filtered[0].keyword_matches, null);
    // The boost is not in home (its original is already there); the booster's profile has it.
    const profile = (await get(me, `/api/v1/accounts/${booster.accountId}/statuses`)).json;
    assert.deepEqual(find(profile, boost.json.id).filtered[0].status_matches, [status.id]);
  });
});
