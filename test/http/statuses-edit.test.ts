// Editing statuses through the client API, on both databases: masto.js edits and reads the
// history and source as a client app does; the answers match Mastodon's OpenAPI schema; bad
// edits get a clear error; whoever boosted (or was mentioned) hears of the edit, except those
// who blocked or muted the author or may no longer see the status.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRestAPIClient } from "masto";
import { OPENAPI_SKIP_REASON, validateEntity, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { block, follow, mute, postOk } from "./statuses-fixtures.ts";

eachServer("status edits", (server) => {
  const ctx = () => server().kith.ctx;
  const url = () => server().url;
  const edit = (user: TestUser | undefined, id: string, body: Record<string, unknown>) =>
    api(url(), "PUT", `/api/v1/statuses/${id}`, { token: user?.token, body });
  const get = (path: string, user?: TestUser) =>
    api(url(), "GET", path, user ? { token: user.token } : {});
  const notificationsOf = async (user: TestUser) => {
    const res = await get("/api/v1/notifications", user);
    assert.equal(res.status, 200);
    return (res.json as { type: string; status?: { id: string } }[]).map(
      (n) => `${n.type}:${n.status?.id ?? ""}`,
    );
  };

  it("edits with masto.js: new text, mentions and tags; history oldest first; source", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const client = createRestAPIClient({ url: url(), accessToken: alice.token });
    const posted = await client.v1.statuses.create({ status: "Hello #first", language: "en" });
    assert.equal(posted.editedAt, null);

    const edited = await client.v1.statuses.$select(posted.id).update({
      status: `Hello @${bob.username} #second https://example.com/`,
      spoilerText: "a warning",
      language: "de",
    });
    assert.equal(edited.id, posted.id);
    assert.ok(edited.editedAt && Date.parse(edited.editedAt) >= Date.parse(posted.createdAt));
    assert.match(edited.content, /class="u-url mention"/);
    assert.match(edited.content, /#<span>second<\/span>/);
    assert.match(edited.content, /href="https:\/\/example\.com\/"/);
    assert.deepEqual(
      edited.mentions.map((m) => m.id),
      [bob.accountId],
    );
    assert.deepEqual(
      edited.tags.map((t) => t.name),
      ["second"],
    );
    assert.equal(edited.spoilerText, "a warning");
    assert.equal(edited.sensitive, true, "a content warning makes it sensitive");
    assert.equal(edited.language, "de");
    assert.equal(edited.visibility, posted.visibility);

    const second = await client.v1.statuses.$select(posted.id).update({ status: "Third words" });
    assert.ok(Date.parse(second.editedAt!) >= Date.parse(edited.editedAt!));
    assert.equal(second.spoilerText, "a warning", "a field left out keeps its value");
    assert.equal(second.language, "de");
    assert.deepEqual(second.mentions, [], "a mention the text dropped is no longer shown");

    const history = await client.v1.statuses.$select(posted.id).history.list();
    assert.deepEqual(
      history.map((h) => h.content),
      [posted.content, edited.content, second.content],
    );
    assert.equal(history[0]!.createdAt, posted.createdAt, "the original is dated as posted");
    assert.equal(history[2]!.createdAt, second.editedAt);
    assert.deepEqual(
      history.map((h) => [h.spoilerText, h.sensitive, h.account.id]),
      [
        ["", false, alice.accountId],
        ["a warning", true, alice.accountId],
        ["a warning", true, alice.accountId],
      ],
    );
    const source = await client.v1.statuses.$select(posted.id).source.fetch();
    assert.deepEqual(source, { id: posted.id, text: "Third words", spoilerText: "a warning" });

    // Tags follow the text: the status left #first and #second behind.
    assert.deepEqual((await get("/api/v1/timelines/tag/first")).json, []);
    assert.deepEqual((await get("/api/v1/timelines/tag/second")).json, []);
    // Bob: a mention when the first edit named him, an update when the second dropped him.
    assert.deepEqual(await notificationsOf(bob), [`update:${posted.id}`, `mention:${posted.id}`]);
  });

  it("keeps the history of an unedited status to its one version and changes nothing idly", async () => {
    const alice = await createUser(ctx());
    const s = await postOk(url(), alice, { status: "Only once", visibility: "unlisted" });
    const history = await get(`/api/v1/statuses/${s.id}/history`);
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.json.map((h: { content: string }) => h.content),
      [s.content],
    );
    const same = await edit(alice, s.id, { status: "Only once", visibility: "direct" });
    assert.equal(same.status, 200, JSON.stringify(same.json));
    assert.equal(same.json.edited_at, null, "an edit that changes nothing is no edit");
    assert.equal(same.json.visibility, "unlisted", "the visibility never changes");
    const changed = await edit(alice, s.id, { status: "Twice", visibility: "public" });
    assert.equal(changed.json.visibility, "unlisted");
    assert.equal((await get(`/api/v1/statuses/${s.id}/history`)).json.length, 2);
  });

  it("replaces a poll as Mastodon does: same options keep their votes, new ones reset them", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const asAlice = createRestAPIClient({ url: url(), accessToken: alice.token });
    const asBob = createRestAPIClient({ url: url(), accessToken: bob.token });
    const poll = { options: ["tea", "coffee"], expiresIn: 3600 };
    const posted = await asAlice.v1.statuses.create({ status: "Which?", poll });
    await asBob.v1.polls.$select(posted.poll!.id).votes.create({ choices: [1] });

    const sameOptions = await asAlice.v1.statuses
      .$select(posted.id)
      .update({ status: "Which one?", poll });
    assert.equal(sameOptions.poll?.votesCount, 1, "the same options keep their votes");
    assert.deepEqual(
      sameOptions.poll?.options.map((o) => o.title),
      ["tea", "coffee"],
    );

    const newOptions = await asAlice.v1.statuses.$select(posted.id).update({
      status: "Which one?",
      poll: { options: ["tea", "coffee", "water"], expiresIn: 3600, multiple: true },
    });
    assert.equal(newOptions.poll?.votesCount, 0, "new options reset the votes");
    assert.equal(newOptions.poll?.multiple, true);
    assert.equal(newOptions.poll?.options.length, 3);
    const edits = await asAlice.v1.statuses.$select(posted.id).history.list();
    assert.equal(edits.length, 3, "the original, the new text, then the options alone");

    const withoutPoll = await asAlice.v1.statuses.$select(posted.id).update({ status: "No poll" });
    assert.equal(withoutPoll.poll, null, "an edit without a poll removes it");
  });

  it("refuses bad edits with Mastodon's errors", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const s = await postOk(url(), alice, { status: "Mine" });
    const refusals: [TestUser | undefined, string, Record<string, unknown>, number, RegExp][] = [
      [bob, s.id, { status: "Yours now" }, 404, /Record not found/],
      [alice, s.id, { status: "" }, 422, /can't be blank/],
      [alice, s.id, { status: "   " }, 422, /can't be blank/],
      [alice, s.id, { status: "x".repeat(ctx().config.maxStatusChars + 1) }, 422, /limit/],
      [alice, s.id, { status: "ok", spoiler_text: "\u0000" }, 422, /NUL/],
      [alice, s.id, { status: "ok", language: "not a language" }, 422, /Language/],
      [
        alice,
        s.id,
        { status: "ok", poll: { options: ["a"], expires_in: 600 } },
        422,
        /Poll options/,
      ],
      [alice, s.id, { status: "ok", media_ids: ["123"] }, 422, /Media attachment 123 not found/],
      [alice, "123456789012345678", { status: "ok" }, 404, /Record not found/],
      [alice, "not-an-id", { status: "ok" }, 404, /Record not found/],
      [undefined, s.id, { status: "ok" }, 401, /./],
    ];
    for (const [user, id, body, status, message] of refusals) {
      const res = await edit(user, id, body);
      assert.equal(res.status, status, `${JSON.stringify(body).slice(0, 80)}: ${res.json.error}`);
      assert.match(res.json.error, message);
    }
    const readOnly = await createUser(ctx(), { scopes: ["read"] });
    const noScope = await edit(readOnly, s.id, { status: "no" });
    assert.equal(noScope.status, 403, "write:statuses is needed");

    const reblog = await api(url(), "POST", `/api/v1/statuses/${s.id}/reblog`, {
      token: alice.token,
    });
    const reblogEdit = await edit(alice, reblog.json.id, { status: "boost text" });
    assert.equal(reblogEdit.status, 422);
    assert.match(reblogEdit.json.error, /boost cannot be edited/);

    // An empty media list is what clients send when there is none.
    const fine = await edit(alice, s.id, { status: "Still mine", media_ids: [], poll: null });
    assert.equal(fine.status, 200, JSON.stringify(fine.json));
    const unchanged = await get(`/api/v1/statuses/${s.id}`);
    assert.equal(unchanged.json.content, "<p>Still mine</p>");

    // The source is the author's; the history whoever may see the status.
    assert.equal((await get(`/api/v1/statuses/${s.id}/source`, bob)).status, 404);
    assert.equal((await get(`/api/v1/statuses/${s.id}/source`)).status, 401);
    const secret = await postOk(url(), alice, { status: "Followers", visibility: "private" });
    await edit(alice, secret.id, { status: "Followers only" });
    assert.equal((await get(`/api/v1/statuses/${secret.id}/history`, bob)).status, 404);
    assert.equal((await get(`/api/v1/statuses/${secret.id}/history`)).status, 404);
    await follow(ctx(), bob, alice);
    assert.equal((await get(`/api/v1/statuses/${secret.id}/history`, bob)).json.length, 2);
  });

  it("tells boosters and the mentioned of an edit, not those who blocked or muted", async () => {
    const alice = await createUser(ctx());
    const [booster, blocker, muter, mentioned, added] = await Promise.all(
      Array.from({ length: 5 }, () => createUser(ctx())),
    );
    const s = await postOk(url(), alice, { status: `Boost me @${mentioned!.username}` });
    for (const user of [booster!, blocker!, muter!, alice]) {
      const r = await api(url(), "POST", `/api/v1/statuses/${s.id}/reblog`, {
        token: user.token,
      });
      assert.equal(r.status, 200);
    }
    await block(ctx(), blocker!, alice);
    await mute(ctx(), muter!, alice);
    const res = await edit(alice, s.id, {
      status: `Boost me, edited @${mentioned!.username} @${added!.username}`,
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));

    assert.deepEqual(await notificationsOf(booster!), [`update:${s.id}`]);
    assert.deepEqual(await notificationsOf(mentioned!), [`update:${s.id}`, `mention:${s.id}`]);
    assert.deepEqual(await notificationsOf(added!), [`mention:${s.id}`], "new: a mention");
    assert.deepEqual(await notificationsOf(blocker!), []);
    assert.deepEqual(await notificationsOf(muter!), []);
    const own = await notificationsOf(alice);
    assert.ok(!own.some((n) => n.startsWith("update")), "never the author");
  });

  it("keeps a dropped mention's access to a direct status; a new one gets it in its feed", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const carol = await createUser(ctx());
    // They follow alice: an unsolicited private mention would be filtered (Mastodon's default
    // notification policy), and this test is about the mentions.
    await follow(ctx(), bob, alice);
    await follow(ctx(), carol, alice);
    const dm = await postOk(url(), alice, {
      status: `@${bob.username} psst`,
      visibility: "direct",
    });
    const moved = await edit(alice, dm.id, { status: `@${carol.username} psst` });
    assert.equal(moved.status, 200);
    assert.deepEqual(
      moved.json.mentions.map((m: { id: string }) => m.id),
      [carol.accountId],
    );
    const forBob = await get(`/api/v1/statuses/${dm.id}`, bob);
    assert.equal(forBob.status, 200, "bob was told already: he keeps it");
    assert.equal((await get(`/api/v1/statuses/${dm.id}/history`, bob)).json.length, 2);
    const carolHome = await get("/api/v1/timelines/home", carol);
    assert.deepEqual(
      carolHome.json.map((s: { id: string }) => s.id),
      [dm.id],
    );
    assert.deepEqual(await notificationsOf(carol), [`mention:${dm.id}`]);
    assert.deepEqual(await notificationsOf(bob), [`update:${dm.id}`, `mention:${dm.id}`]);
  });

  describe("against the Mastodon OpenAPI schema", { skip: OPENAPI_SKIP_REASON }, () => {
    it("documents the edit, the history and the source", async () => {
      const alice = await createUser(ctx());
      const s = await postOk(url(), alice, { status: "Schema me", spoiler_text: "cw" });
      const put = await edit(alice, s.id, { status: "Schema me, edited #tag", sensitive: true });
      await validateResponse("PUT", `/api/v1/statuses/${s.id}`, put.status, put.json);
      const history = await get(`/api/v1/statuses/${s.id}/history`);
      await validateResponse("GET", `/api/v1/statuses/${s.id}/history`, 200, history.json);
      for (const version of history.json) await validateEntity("StatusEdit", version);
      const source = await get(`/api/v1/statuses/${s.id}/source`, alice);
      await validateResponse("GET", `/api/v1/statuses/${s.id}/source`, 200, source.json);
      await validateEntity("StatusSource", source.json);
      const bad = await edit(alice, s.id, { status: "" });
      await validateResponse("PUT", `/api/v1/statuses/${s.id}`, bad.status, bad.json);
      const missing = await edit(alice, "123456789012345678", { status: "x" });
      await validateResponse("PUT", "/api/v1/statuses/123456789012345678", 404, missing.json);
    });
  });
});
