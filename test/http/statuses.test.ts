import assert from "node:assert/strict";
import { it } from "node:test";
import { eachServer } from "../helpers/server.ts";
import { api, createUser } from "../helpers/users.ts";
import { follow, ids, post, postOk } from "./statuses-fixtures.ts";

eachServer("statuses", (server) => {
  const ctx = () => server().kith.ctx;
  const url = () => server().url;

  it("posts a status and answers with the Status entity", async () => {
    const alice = await createUser(ctx());
    const res = await post(url(), alice, { status: "Hello, world" });
    assert.equal(res.status, 200);
    const s = res.json;
    assert.match(s.id, /^\d{18}$/);
    assert.equal(s.content, "<p>Hello, world</p>");
    assert.equal(s.visibility, "public");
    assert.equal(s.uri, `${url()}/users/${alice.username}/statuses/${s.id}`);
    assert.equal(s.url, `${url()}/@${alice.username}/${s.id}`);
    assert.equal(s.account.id, alice.accountId);
    assert.equal(s.account.statuses_count, 1);
    assert.equal(s.sensitive, false);
    assert.deepEqual(s.media_attachments, []);
    assert.equal(s.reblog, null);
    assert.equal(s.quotes_count, 0);
    assert.equal(s.favourited, false);
    assert.equal(s.pinned, false);
    assert.deepEqual(s.filtered, []);
    assert.ok("application" in s, "the author sees the application");
    assert.equal("text" in s, false, "text only comes back on delete");

    const anonymous = await api(url(), "GET", `/api/v1/statuses/${s.id}`);
    assert.equal(anonymous.status, 200);
    assert.equal("favourited" in anonymous.json, false, "no viewer flags without a user");
    assert.equal("application" in anonymous.json, false, "others do not see the application");
  });

  it("takes visibility from the user's default and validates the parameters", async () => {
    const alice = await createUser(ctx());
    await ctx()
      .db.kysely.updateTable("users")
      .set({ default_visibility: "unlisted" })
      .where("account_id", "=", alice.accountId)
      .execute();
    assert.equal((await postOk(url(), alice, { status: "default" })).visibility, "unlisted");
    assert.equal(
      (await postOk(url(), alice, { status: "x", visibility: "private" })).visibility,
      "private",
    );
    const bad = await post(url(), alice, { status: "x", visibility: "everyone" });
    assert.equal(bad.status, 422);
    assert.match(bad.json.error, /^Validation failed/);

    const empty = await post(url(), alice, { status: "   " });
    assert.equal(empty.status, 422);
    assert.match(empty.json.error, /^Validation failed: Text can't be blank/);

    const media = await post(url(), alice, { status: "pic", media_ids: ["123"] });
    assert.equal(media.status, 422);
    assert.match(media.json.error, /Media attachment 123 not found/);
    assert.equal((await post(url(), alice, { status: "no pic", media_ids: [] })).status, 200);

    const spoiler = await postOk(url(), alice, { status: "cw", spoiler_text: "careful" });
    assert.equal(spoiler.spoiler_text, "careful");
    assert.equal(spoiler.sensitive, true, "a content warning makes it sensitive");
  });

  it("validates the language as ISO 639-1", async () => {
    const alice = await createUser(ctx());
    assert.equal((await postOk(url(), alice, { status: "hi", language: "en" })).language, "en");
    assert.equal((await postOk(url(), alice, { status: "oi", language: "pt-BR" })).language, "pt");
    assert.equal((await postOk(url(), alice, { status: "none" })).language, null);
    const bad = await post(url(), alice, { status: "hi", language: "xx" });
    assert.equal(bad.status, 422);
    assert.match(bad.json.error, /^Validation failed: Language/);
  });

  it("limits statuses to 500 characters, counting every URL as 23", async () => {
    const alice = await createUser(ctx());
    const link = `https://example.com/${"p".repeat(80)}`; // 100 characters long
    const fits = `${"a".repeat(476)} ${link}`; // 476 + 1 + 23 = 500
    assert.equal((await post(url(), alice, { status: fits })).status, 200);
    const over = await post(url(), alice, { status: `a${fits}` });
    assert.equal(over.status, 422);
    assert.equal(over.json.error, "Validation failed: Text character limit of 500 exceeded");
    assert.equal((await post(url(), alice, { status: "b".repeat(500) })).status, 200);
    assert.equal((await post(url(), alice, { status: "b".repeat(501) })).status, 422);
    const withWarning = await post(url(), alice, {
      status: "b".repeat(490),
      spoiler_text: "c".repeat(11),
    });
    assert.equal(withWarning.status, 422, "the content warning counts too");
  });

  it("returns the original status for a repeated Idempotency-Key within the hour", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const key = { "Idempotency-Key": "same-key" };
    const first = await post(url(), alice, { status: "once" }, key);
    const second = await post(url(), alice, { status: "once" }, key);
    assert.equal(first.status, 200);
    assert.equal(second.json.id, first.json.id);
    const other = await post(url(), alice, { status: "once" }, { "Idempotency-Key": "other" });
    assert.notEqual(other.json.id, first.json.id);
    const bobs = await post(url(), bob, { status: "once" }, key);
    assert.notEqual(bobs.json.id, first.json.id, "keys are per user");
    const account = await api(url(), "GET", `/api/v1/statuses/${first.json.id}`);
    assert.equal(account.json.account.statuses_count, 2, "posted once per key");

    await ctx()
      .db.kysely.updateTable("idempotency_keys")
      .set({ created_at: new Date(Date.now() - 2 * 3600_000).toISOString() })
      .where("account_id", "=", alice.accountId)
      .execute();
    const later = await post(url(), alice, { status: "once" }, key);
    assert.notEqual(later.json.id, first.json.id, "an expired key posts again");

    const race = { "Idempotency-Key": "at-once" };
    const together = await Promise.all(
      [1, 2, 3].map(() => post(url(), bob, { status: "x" }, race)),
    );
    assert.deepEqual(
      together.map((r) => r.status),
      [200, 200, 200],
    );
    assert.equal(new Set(together.map((r) => r.json.id)).size, 1, "simultaneous retries post once");
    const rows = await ctx()
      .db.kysely.selectFrom("statuses")
      .select("id")
      .where("account_id", "=", bob.accountId)
      .where("text", "=", "x")
      .execute();
    assert.equal(rows.length, 1);
  });

  it("links mentions and hashtags", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const s = await postOk(url(), alice, {
      status: `hi @${bob.username} and @nobody_here #Kith`,
    });
    assert.deepEqual(
      s.mentions.map((m: { id: string; acct: string }) => [m.id, m.acct]),
      [[bob.accountId, bob.username]],
    );
    assert.deepEqual(s.tags, [{ name: "kith", url: `${url()}/tags/kith` }]);
    assert.match(s.content, /class="u-url mention"/);
    assert.match(s.content, /@nobody_here/);
    const notes = await ctx()
      .db.kysely.selectFrom("notifications")
      .selectAll()
      .where("account_id", "=", bob.accountId)
      .execute();
    assert.deepEqual(
      notes.map((n) => [n.type, n.status_id]),
      [["mention", s.id]],
    );
  });

  it("replies within the thread and counts public replies on the parent", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const root = await postOk(url(), alice, { status: "root" });
    const reply = await postOk(url(), bob, { status: "reply", in_reply_to_id: root.id });
    assert.equal(reply.in_reply_to_id, root.id);
    assert.equal(reply.in_reply_to_account_id, alice.accountId);
    await postOk(url(), bob, { status: "quiet", in_reply_to_id: root.id, visibility: "private" });
    const again = await api(url(), "GET", `/api/v1/statuses/${root.id}`);
    assert.equal(again.json.replies_count, 1, "a followers-only reply is not counted");

    const secret = await postOk(url(), alice, { status: "psst", visibility: "direct" });
    const hidden = await post(url(), bob, { status: "hm", in_reply_to_id: secret.id });
    assert.equal(hidden.status, 404, "cannot reply to a status one cannot see");
    const unknown = await post(url(), bob, { status: "hm", in_reply_to_id: "999" });
    assert.equal(unknown.status, 404);
  });

  it("gets statuses one by one and in batches, hiding what the viewer may not see", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const open = await postOk(url(), alice, { status: "open" });
    const closed = await postOk(url(), alice, { status: "closed", visibility: "private" });
    const missing = await api(url(), "GET", "/api/v1/statuses/123456789012345678");
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { error: "Record not found" });
    assert.equal((await api(url(), "GET", "/api/v1/statuses/not-an-id")).status, 404);
    const asBob = await api(url(), "GET", `/api/v1/statuses/${closed.id}`, { token: bob.token });
    assert.deepEqual([asBob.status, asBob.json], [404, { error: "Record not found" }]);

    const batch = `/api/v1/statuses?id[]=${closed.id}&id[]=${open.id}&id[]=nope`;
    assert.deepEqual(await ids(url(), batch, alice), [closed.id, open.id]);
    assert.deepEqual(await ids(url(), batch, bob), [open.id]);
    assert.deepEqual(await ids(url(), batch), [open.id]);
  });

  it("deletes one's own status, answering with its source for redrafting", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    await follow(ctx(), bob, alice);
    const parent = await postOk(url(), bob, { status: "parent" });
    const text = `redraft me #tag @${bob.username}`;
    const s = await postOk(url(), alice, { status: text, in_reply_to_id: parent.id });
    await api(url(), "POST", `/api/v1/statuses/${s.id}/reblog`, { token: bob.token });
    assert.ok((await ids(url(), "/api/v1/timelines/home", bob)).includes(s.id));

    const notMine = await api(url(), "DELETE", `/api/v1/statuses/${s.id}`, { token: bob.token });
    assert.equal(notMine.status, 404);

    const res = await api(url(), "DELETE", `/api/v1/statuses/${s.id}`, { token: alice.token });
    assert.equal(res.status, 200);
    assert.equal(res.json.id, s.id);
    assert.equal(res.json.text, text);
    assert.equal(res.json.in_reply_to_id, parent.id);
    assert.equal((await api(url(), "GET", `/api/v1/statuses/${s.id}`)).status, 404);
    assert.equal((await ids(url(), "/api/v1/timelines/home", bob)).includes(s.id), false);

    const after = await api(url(), "GET", `/api/v1/statuses/${parent.id}`, { token: bob.token });
    assert.equal(after.json.replies_count, 0);
    assert.equal(after.json.account.statuses_count, 1, "bob's reblog went with it");
    const mine = await postOk(url(), alice, { status: "count me" });
    assert.equal(mine.account.statuses_count, 1);

    const redraft = await postOk(url(), alice, { status: res.json.text });
    assert.equal(redraft.content, s.content);
  });

  it("shows a thread around a status, trimmed for anonymous readers", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const root = await postOk(url(), alice, { status: "root" });
    const a = await postOk(url(), bob, { status: "a", in_reply_to_id: root.id });
    const secret = await postOk(url(), alice, {
      status: "only followers",
      in_reply_to_id: a.id,
      visibility: "private",
    });
    const b = await postOk(url(), bob, { status: "b", in_reply_to_id: a.id });
    const c = await postOk(url(), alice, { status: "c", in_reply_to_id: b.id });
    const side = await postOk(url(), alice, { status: "side", in_reply_to_id: root.id });

    const ctxOf = async (id: string, token?: string) => {
      const res = await api(url(), "GET", `/api/v1/statuses/${id}/context`, { token });
      assert.equal(res.status, 200);
      return {
        ancestors: res.json.ancestors.map((s: { id: string }) => s.id),
        descendants: res.json.descendants.map((s: { id: string }) => s.id),
      };
    };
    assert.deepEqual(await ctxOf(b.id), { ancestors: [root.id, a.id], descendants: [c.id] });
    assert.deepEqual(await ctxOf(root.id, alice.token), {
      ancestors: [],
      descendants: [a.id, secret.id, b.id, c.id, side.id],
    });
    assert.deepEqual(await ctxOf(root.id), {
      ancestors: [],
      descendants: [a.id, b.id, c.id, side.id],
    });
    assert.equal((await api(url(), "GET", `/api/v1/statuses/${secret.id}/context`)).status, 404);

    let parent = root.id;
    const chain = [root.id];
    for (let i = 0; i < 44; i++) {
      parent = (await postOk(url(), alice, { status: `${i}`, in_reply_to_id: parent })).id;
      chain.push(parent);
    }
    const leaf = await ctxOf(parent);
    assert.equal(leaf.ancestors.length, 40, "anonymous readers get 40 ancestors");
    assert.deepEqual(leaf.ancestors, chain.slice(-41, -1));
    const signedIn = await ctxOf(parent, bob.token);
    assert.equal(signedIn.ancestors.length, 44);
    const fromRoot = await ctxOf(root.id);
    assert.ok(fromRoot.descendants.length <= 60);
  });
});
