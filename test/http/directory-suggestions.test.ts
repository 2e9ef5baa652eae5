// The profile directory and follow suggestions over real HTTP on both databases, with masto.js:
// who is listed (discoverable only; never suspended, silenced or moved; never someone the
// viewer blocks, is blocked by or mutes), both orders, local only, offset and limit; and the
// suggestion ranking (friends of friends by how many, then popular local accounts), what is
// never suggested (self, followed, requested, blocked, muted, dismissed, not discoverable, or
// known only through someone who hides their follows), and dismissing. Responses are checked
// against Mastodon's OpenAPI schema.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { createRestAPIClient } from "masto";
import { newId } from "../../src/db/ids.ts";
import type { Context } from "../../src/domain/context.ts";
import { insertRemoteAccount } from "../helpers/accounts.ts";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { block, follow, mute, postOk } from "./statuses-fixtures.ts";

const validate = OPENAPI_SKIP_REASON
  ? async () => {}
  : (path: string, res: { status: number; json: unknown }, method = "GET") =>
      validateResponse(method, path, res.status, res.json);

async function setAccount(ctx: Context, id: string, values: Record<string, unknown>) {
  await ctx.db.kysely.updateTable("accounts").set(values).where("id", "=", id).execute();
}

eachServer("directory and follow suggestions", (server) => {
  const base = () => server().url;
  const ctx = () => server().kith.ctx;
  const users: Record<string, TestUser> = {};
  let remote: string; // a discoverable remote account
  let secret: string; // a discoverable remote account only hal (who hides his follows) follows
  const names = (accounts: { username: string; acct: string }[]) => accounts.map((a) => a.acct);

  before(async () => {
    // Created in this order, so "new" lists them newest (last) first.
    for (const name of [
      "vera",
      "dana",
      "fred",
      "hal",
      "fof1",
      "fof2",
      "nina",
      "shy",
      "gone",
      "quiet",
      "moved",
      "blocker",
      "blocked",
      "muted",
      "asked",
      "nope",
    ])
      users[name] = await createUser(ctx(), { username: name });
    for (const name of Object.keys(users))
      if (name !== "shy") await setAccount(ctx(), users[name]!.accountId, { discoverable: 1 });
    await setAccount(ctx(), users.gone!.accountId, { suspended_at: new Date().toISOString() });
    await setAccount(ctx(), users.quiet!.accountId, { silenced_at: new Date().toISOString() });
    await setAccount(ctx(), users.moved!.accountId, { moved_to_account_id: users.nina!.accountId });
    await setAccount(ctx(), users.hal!.accountId, { hide_collections: 1 });
    remote = await insertRemoteAccount(ctx().db, { username: "rem", domain: "remote.example" });
    secret = await insertRemoteAccount(ctx().db, { username: "secret", domain: "remote.example" });
    await setAccount(ctx(), remote, { discoverable: 1 });
    await setAccount(ctx(), secret, { discoverable: 1 });

    const u = (name: string) => users[name]!;
    const vera = u("vera");
    const dana = u("dana");
    const fred = u("fred");
    const hal = u("hal");
    const fof1 = u("fof1");
    const fof2 = u("fof2");
    const nina = u("nina");
    const blocker = u("blocker");
    const blocked = u("blocked");
    const muted = u("muted");
    const asked = u("asked");
    // Activity: dana posted most recently, fred before her; nobody else has posted.
    await postOk(base(), fred, { status: "fred was here" });
    await postOk(base(), dana, { status: "dana is here" });
    // vera's follows and what they follow.
    await follow(ctx(), vera, dana);
    await follow(ctx(), vera, fred);
    await follow(ctx(), vera, hal);
    await follow(ctx(), dana, fof1);
    await follow(ctx(), dana, fof2);
    await follow(ctx(), fred, fof2);
    await follow(ctx(), hal, { accountId: secret, username: "secret", token: "" });
    await follow(ctx(), dana, blocked);
    await follow(ctx(), dana, muted);
    await follow(ctx(), dana, asked);
    // nina is popular, with people vera does not follow.
    await follow(ctx(), u("nope"), nina);
    await follow(ctx(), u("shy"), nina);
    await setAccount(ctx(), nina.accountId, { followers_count: 2 });
    await setAccount(ctx(), fof2.accountId, { followers_count: 2 });
    await setAccount(ctx(), fof1.accountId, { followers_count: 1 });
    await block(ctx(), blocker, vera);
    await block(ctx(), vera, blocked);
    await mute(ctx(), vera, muted);
    await ctx()
      .db.kysely.insertInto("follow_requests")
      .values({
        id: newId(),
        account_id: vera.accountId,
        target_account_id: asked.accountId,
        uri: null,
        created_at: new Date().toISOString(),
      })
      .execute();
  });

  describe("GET /api/v1/directory", () => {
    it("lists discoverable accounts, recently active first, for anyone", async () => {
      const res = await api(base(), "GET", "/api/v1/directory");
      assert.equal(res.status, 200);
      await validate("/api/v1/directory", res);
      const listed = names(res.json);
      // Active first: dana posted last, then fred; the rest never posted (newest account first).
      assert.deepEqual(listed.slice(0, 2), ["dana", "fred"]);
      for (const name of ["vera", "nina", "blocker", "blocked", "muted", "rem@remote.example"])
        assert.ok(listed.includes(name), `${name} is listed`);
      for (const name of ["shy", "gone", "quiet", "moved"])
        assert.ok(!listed.includes(name), `${name} is not listed`);
    });

    it("orders by newest account, keeps to local accounts, and pages by offset (masto.js)", async () => {
      const client = createRestAPIClient({ url: base() });
      const newest = await client.v1.directory.list({ order: "new", local: true, limit: 3 });
      assert.deepEqual(names(newest), ["nope", "asked", "muted"]);
      const next = await client.v1.directory.list({
        order: "new",
        local: true,
        limit: 3,
        offset: 3,
      });
      assert.deepEqual(names(next), ["blocked", "blocker", "nina"]);
      const all = await client.v1.directory.list({ order: "new", limit: 80 });
      assert.equal(all[0]!.acct, "secret@remote.example");
      assert.ok(
        !names(await client.v1.directory.list({ local: true, limit: 80 })).includes(
          "rem@remote.example",
        ),
      );
    });

    it("leaves out whom the viewer blocks, who blocks them, and whom they mute", async () => {
      const res = await api(base(), "GET", "/api/v1/directory?limit=80", {
        token: users.vera!.token,
      });
      assert.equal(res.status, 200);
      const listed = names(res.json);
      for (const name of ["blocker", "blocked", "muted"]) assert.ok(!listed.includes(name), name);
      assert.ok(listed.includes("nina"));
    });

    it("refuses bad parameters with 422", async () => {
      for (const query of ["order=popular", "offset=-1", "limit=abc", "offset=1.5"]) {
        const res = await api(base(), "GET", `/api/v1/directory?${query}`);
        assert.equal(res.status, 422, query);
        assert.match(res.json.error, /must be/);
      }
    });
  });

  describe("follow suggestions", () => {
    it("ranks friends of friends by how many friends follow them, then popular local accounts", async () => {
      const client = createRestAPIClient({ url: base(), accessToken: users.vera!.token });
      const suggestions = await client.v2.suggestions.list({ limit: 80 });
      const ranked = suggestions.map((s) => [s.account.acct, s.sources]);
      assert.deepEqual(ranked.slice(0, 3), [
        ["fof2", ["friends_of_friends", "most_followed"]],
        ["fof1", ["friends_of_friends", "most_followed"]],
        ["nina", ["most_followed"]],
      ]);
      const res = await api(base(), "GET", "/api/v2/suggestions?limit=80", {
        token: users.vera!.token,
      });
      await validate("/api/v2/suggestions", res);
      assert.equal(res.json[0].source, "past_interactions");
      assert.equal(res.json[2].source, "global");
    });

    it("never suggests self, follows, requests, blocks, mutes, the undiscoverable, or hidden follows", async () => {
      const res = await api(base(), "GET", "/api/v2/suggestions?limit=80", {
        token: users.vera!.token,
      });
      const suggested = res.json.map((s: { account: { acct: string } }) => s.account.acct);
      for (const name of [
        "vera",
        "dana",
        "fred",
        "hal",
        "asked",
        "blocker",
        "blocked",
        "muted",
        "shy",
        "gone",
        "quiet",
        "moved",
        // Followed only by hal, whose follows are hidden; remote, so not popular here either.
        "secret@remote.example",
        "rem@remote.example",
      ])
        assert.ok(!suggested.includes(name), `${name} is not suggested`);
      assert.ok(suggested.includes("nope"), "a discoverable local account is");
    });

    it("serves the same accounts on v1, and honours limit", async () => {
      const v1 = await api(base(), "GET", "/api/v1/suggestions?limit=2", {
        token: users.vera!.token,
      });
      assert.equal(v1.status, 200);
      await validate("/api/v1/suggestions", v1);
      assert.deepEqual(names(v1.json), ["fof2", "fof1"]);
      const bad = await api(base(), "GET", "/api/v2/suggestions?limit=x", {
        token: users.vera!.token,
      });
      assert.equal(bad.status, 422);
      const anonymous = await api(base(), "GET", "/api/v2/suggestions");
      assert.equal(anonymous.status, 401);
      await validate("/api/v2/suggestions", anonymous);
    });

    it("forgets a dismissed suggestion for good", async () => {
      const client = createRestAPIClient({ url: base(), accessToken: users.vera!.token });
      const first = await api(base(), "DELETE", `/api/v1/suggestions/${users.fof2!.accountId}`, {
        token: users.vera!.token,
      });
      assert.equal(first.status, 200);
      // Twice is fine.
      const again = await api(base(), "DELETE", `/api/v1/suggestions/${users.fof2!.accountId}`, {
        token: users.vera!.token,
      });
      assert.equal(again.status, 200);
      assert.deepEqual(again.json, {});
      const after = (await client.v2.suggestions.list({ limit: 80 })).map((s) => s.account.acct);
      assert.equal(after[0], "fof1");
      assert.ok(!after.includes("fof2"));
      // Others still get it.
      const forNope = createRestAPIClient({ url: base(), accessToken: users.nope!.token });
      assert.ok(
        (await forNope.v2.suggestions.list({ limit: 80 })).some((s) => s.account.acct === "fof2"),
      );
      for (const [id, status] of [
        ["123456789012345678", 404],
        ["nope", 404],
      ] as const) {
        const res = await api(base(), "DELETE", `/api/v1/suggestions/${id}`, {
          token: users.vera!.token,
        });
        assert.equal(res.status, status);
      }
      const anonymous = await api(base(), "DELETE", `/api/v1/suggestions/${users.fof1!.accountId}`);
      assert.equal(anonymous.status, 401);
    });
  });
});
