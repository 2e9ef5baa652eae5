// Endorsements (featured accounts) over real HTTP on both databases, with masto.js: endorsing
// only accounts one follows (endorse/unendorse and the older pin/unpin), `endorsed` in the
// Relationship, the viewer's list and anyone's list of an account's endorsements with paging,
// hidden collections and blocks, and the endorsement ending with the follow. Responses are
// checked against Mastodon's OpenAPI schema.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { createRestAPIClient, type mastodon } from "masto";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { block, follow, linkPath } from "./statuses-fixtures.ts";

const validate = OPENAPI_SKIP_REASON
  ? async () => {}
  : (method: string, path: string, res: { status: number; json: unknown }) =>
      validateResponse(method, path, res.status, res.json);

eachServer("endorsements", (server) => {
  const base = () => server().url;
  const ctx = () => server().kith.ctx;
  let ed: TestUser; // endorses
  let a: TestUser;
  let b: TestUser;
  let c: TestUser;
  let stranger: TestUser; // ed does not follow
  let asEd: mastodon.rest.Client;

  before(async () => {
    ed = await createUser(ctx(), { username: "ed" });
    a = await createUser(ctx(), { username: "ann" });
    b = await createUser(ctx(), { username: "ben" });
    c = await createUser(ctx(), { username: "cat" });
    stranger = await createUser(ctx(), { username: "stranger" });
    for (const target of [a, b, c]) await follow(ctx(), ed, target);
    asEd = createRestAPIClient({ url: base(), accessToken: ed.token });
  });

  it("endorses a followed account (masto.js endorse, and pin) and shows it in the relationship", async () => {
    const first = await asEd.v1.accounts.$select(a.accountId).endorse();
    assert.equal(first.endorsed, true);
    assert.equal(first.following, true);
    const res = await api(base(), "POST", `/api/v1/accounts/${b.accountId}/pin`, {
      token: ed.token,
    });
    assert.equal(res.status, 200);
    assert.equal(res.json.endorsed, true);
    await validate("POST", `/api/v1/accounts/${b.accountId}/pin`, res);
    await asEd.v1.accounts.$select(c.accountId).endorse();
    // Again changes nothing.
    assert.equal((await asEd.v1.accounts.$select(a.accountId).endorse()).endorsed, true);
    const [rel] = await asEd.v1.accounts.relationships.fetch({ id: [a.accountId] });
    assert.equal(rel?.endorsed, true);
  });

  it("refuses accounts the viewer does not follow (422), unknown ones (404) and no token (401)", async () => {
    const notFollowed = await api(
      base(),
      "POST",
      `/api/v1/accounts/${stranger.accountId}/endorse`,
      {
        token: ed.token,
      },
    );
    assert.equal(notFollowed.status, 422);
    assert.equal(
      notFollowed.json.error,
      "Validation failed: You must be already following the person you want to endorse",
    );
    const self = await api(base(), "POST", `/api/v1/accounts/${ed.accountId}/endorse`, {
      token: ed.token,
    });
    assert.equal(self.status, 422);
    const unknown = await api(base(), "POST", "/api/v1/accounts/123456789012345678/endorse", {
      token: ed.token,
    });
    assert.equal(unknown.status, 404);
    await validate("POST", "/api/v1/accounts/123456789012345678/endorse", unknown);
    const anonymous = await api(base(), "POST", `/api/v1/accounts/${a.accountId}/endorse`);
    assert.equal(anonymous.status, 401);
    const list = await api(base(), "GET", "/api/v1/endorsements");
    assert.equal(list.status, 401);
  });

  it("lists the viewer's endorsements newest first, paged with Link headers", async () => {
    const page1 = await api(base(), "GET", "/api/v1/endorsements?limit=2", { token: ed.token });
    assert.equal(page1.status, 200);
    await validate("GET", "/api/v1/endorsements", page1);
    assert.deepEqual(
      page1.json.map((x: { acct: string }) => x.acct),
      ["cat", "ben"],
    );
    const next = linkPath(page1.headers, "next");
    assert.ok(next);
    const page2 = await api(base(), "GET", next, { token: ed.token });
    assert.deepEqual(
      page2.json.map((x: { acct: string }) => x.acct),
      ["ann"],
    );
    const all: string[] = [];
    for await (const batch of asEd.v1.endorsements.list({ limit: 1 }))
      all.push(...batch.map((x) => x.acct));
    assert.deepEqual(all, ["cat", "ben", "ann"]);
  });

  it("shows an account's endorsements to anyone, unless its collections are hidden or it blocks the viewer", async () => {
    const path = `/api/v1/accounts/${ed.accountId}/endorsements`;
    const anonymous = await api(base(), "GET", path);
    assert.equal(anonymous.status, 200);
    await validate("GET", path, anonymous);
    assert.equal(anonymous.json.length, 3);
    const masto = createRestAPIClient({ url: base(), accessToken: stranger.token });
    const seen = await masto.v1.accounts.$select(ed.accountId).endorsements.list({ limit: 2 });
    assert.deepEqual(
      seen.map((x) => x.acct),
      ["cat", "ben"],
    );
    await block(ctx(), ed, stranger);
    assert.deepEqual((await api(base(), "GET", path, { token: stranger.token })).json, []);
    await ctx().db.kysely.deleteFrom("blocks").execute();
    // A viewer who blocks an endorsed account does not see it there.
    await block(ctx(), stranger, b);
    const withoutBen = await api(base(), "GET", path, { token: stranger.token });
    assert.deepEqual(
      withoutBen.json.map((x: { acct: string }) => x.acct),
      ["cat", "ann"],
    );
    await ctx()
      .db.kysely.updateTable("accounts")
      .set({ hide_collections: 1 })
      .where("id", "=", ed.accountId)
      .execute();
    assert.deepEqual((await api(base(), "GET", path)).json, []);
    const own = await api(base(), "GET", path, { token: ed.token });
    assert.equal(own.json.length, 3);
    await ctx()
      .db.kysely.updateTable("accounts")
      .set({ hide_collections: 0 })
      .where("id", "=", ed.accountId)
      .execute();
    const unknown = await api(base(), "GET", "/api/v1/accounts/123456789012345678/endorsements");
    assert.equal(unknown.status, 404);
  });

  it("unendorses (masto.js unendorse, and unpin), and unfollowing ends the endorsement", async () => {
    assert.equal((await asEd.v1.accounts.$select(a.accountId).unendorse()).endorsed, false);
    const unpin = await api(base(), "POST", `/api/v1/accounts/${b.accountId}/unpin`, {
      token: ed.token,
    });
    assert.equal(unpin.status, 200);
    assert.equal(unpin.json.endorsed, false);
    await validate("POST", `/api/v1/accounts/${b.accountId}/unpin`, unpin);
    const unfollowed = await asEd.v1.accounts.$select(c.accountId).unfollow();
    assert.equal(unfollowed.endorsed, false);
    assert.deepEqual(await asEd.v1.endorsements.list(), []);
    // Following again does not bring it back.
    await asEd.v1.accounts.$select(c.accountId).follow();
    assert.deepEqual(await asEd.v1.endorsements.list(), []);
  });
});
