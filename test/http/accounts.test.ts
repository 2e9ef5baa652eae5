// The accounts API as clients use it: an account by ID or several, suspended and unapproved
// accounts, lookup by handle and search, on both databases.
import assert from "node:assert/strict";
import { it } from "node:test";
import { eachServer } from "../helpers/server.ts";
import { api, createUser } from "../helpers/users.ts";
import { createRemoteAccount, followOk, getAccountJson, setAccount } from "./accounts-fixtures.ts";

eachServer("accounts API", (server) => {
  const ctx = () => server().kith.ctx;

  it("shows an account to anyone, and 404s unknown, garbage and unapproved ones", async () => {
    const { url } = server();
    const alice = await createUser(ctx());
    const shown = await getAccountJson(url, alice.accountId);
    assert.equal(shown.id, alice.accountId);
    assert.equal(shown.username, alice.username);
    assert.equal(shown.acct, alice.username);
    assert.equal(shown.locked, false);
    assert.equal(shown.followers_count, 0);
    assert.match(shown.created_at, /T00:00:00\.000Z$/);

    for (const id of ["1", "999999999999999999", "abc", "12abc", "-1"]) {
      const res = await api(url, "GET", `/api/v1/accounts/${id}`);
      assert.equal(res.status, 404, id);
      assert.deepEqual(res.json, { error: "Record not found" });
    }

    // A sign-up waiting for approval does not exist to others.
    await ctx()
      .db.kysely.updateTable("users")
      .set({ approved: 0 })
      .where("account_id", "=", alice.accountId)
      .execute();
    assert.equal((await api(url, "GET", `/api/v1/accounts/${alice.accountId}`)).status, 404);
    await ctx()
      .db.kysely.updateTable("users")
      .set({ approved: 1 })
      .where("account_id", "=", alice.accountId)
      .execute();

    // A token without a read scope is refused even for a public read.
    const pushOnly = await createUser(ctx(), { scopes: ["push"] });
    const res = await api(url, "GET", `/api/v1/accounts/${alice.accountId}`, {
      token: pushOnly.token,
    });
    assert.equal(res.status, 403);
    assert.equal(res.json.error, "This action is outside the authorized scopes");
  });

  it("shows a suspended account as suspended, with its data withheld", async () => {
    const { url } = server();
    const mallory = await createUser(ctx());
    const bob = await createUser(ctx());
    await followOk(url, bob, mallory);
    await api(url, "PATCH", "/api/v1/accounts/update_credentials", {
      token: mallory.token,
      body: { display_name: "Mallory", note: "hello" },
    });
    await setAccount(ctx(), mallory.accountId, { suspended_at: new Date().toISOString() });
    const shown = await getAccountJson(url, mallory.accountId);
    assert.equal(shown.suspended, true);
    assert.equal(shown.display_name, "");
    assert.equal(shown.note, "");
    assert.deepEqual(shown.fields, []);
    assert.equal(shown.followers_count, 0);
    const followers = await api(url, "GET", `/api/v1/accounts/${mallory.accountId}/followers`);
    assert.deepEqual(followers.json, []);
  });

  it("returns several accounts by id[], skipping unknown ones, and caps the list", async () => {
    const { url } = server();
    const a = await createUser(ctx());
    const b = await createUser(ctx());
    const res = await api(
      url,
      "GET",
      `/api/v1/accounts?id[]=${b.accountId}&id[]=123123&id[]=nope&id[]=${a.accountId}`,
    );
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.json.map((x: { id: string }) => x.id),
      [b.accountId, a.accountId],
    );
    const single = await api(url, "GET", `/api/v1/accounts?id=${a.accountId}`);
    assert.deepEqual(
      single.json.map((x: { id: string }) => x.id),
      [a.accountId],
    );
    const many = Array.from({ length: 41 }, (_, i) => `id[]=${i + 1}`).join("&");
    const tooMany = await api(url, "GET", `/api/v1/accounts?${many}`);
    assert.equal(tooMany.status, 422);
    assert.match(tooMany.json.error, /^Validation failed/);
  });

  it("looks accounts up by handle, local and known remote", async () => {
    const { url } = server();
    const alice = await createUser(ctx());
    const remoteId = await createRemoteAccount(ctx(), "Zed", "remote.example");
    const domain = ctx().config.domain;
    for (const handle of [
      alice.username,
      `@${alice.username}`,
      `${alice.username}@${domain}`,
      alice.username.toUpperCase(),
    ]) {
      const res = await api(
        url,
        "GET",
        `/api/v1/accounts/lookup?acct=${encodeURIComponent(handle)}`,
      );
      assert.equal(res.status, 200, handle);
      assert.equal(res.json.id, alice.accountId);
    }
    const remote = await api(url, "GET", "/api/v1/accounts/lookup?acct=zed@remote.example");
    assert.equal(remote.status, 200);
    assert.equal(remote.json.id, remoteId);
    assert.equal(remote.json.acct, "Zed@remote.example");
    for (const q of ["acct=nobody", "acct=zed@elsewhere.example", "acct=", ""]) {
      const res = await api(url, "GET", `/api/v1/accounts/lookup?${q}`);
      assert.equal(res.status, 404, q);
      assert.deepEqual(res.json, { error: "Record not found" });
    }
  });

  it("searches known accounts by username, display name and handle", async () => {
    const { url } = server();
    const me = await createUser(ctx());
    const fern = await createUser(ctx(), { username: `fern${process.pid % 1000}` });
    const fennel = await createUser(ctx(), { username: `fennel${process.pid % 1000}` });
    await api(url, "PATCH", "/api/v1/accounts/update_credentials", {
      token: fennel.token,
      body: { display_name: "Green Leaves" },
    });
    const remoteId = await createRemoteAccount(ctx(), "fernando", "far.example", {
      displayName: "Fernando",
    });
    const ids = (res: { json: { id: string }[] }) => res.json.map((a) => a.id);

    const byPrefix = await api(url, "GET", "/api/v1/accounts/search?q=fe", { token: me.token });
    assert.equal(byPrefix.status, 200);
    for (const id of [fern.accountId, fennel.accountId, remoteId])
      assert.ok(ids(byPrefix).includes(id));

    const exact = await api(url, "GET", `/api/v1/accounts/search?q=${fern.username}`, {
      token: me.token,
    });
    assert.equal(ids(exact)[0], fern.accountId);

    const byName = await api(url, "GET", "/api/v1/accounts/search?q=leav", { token: me.token });
    assert.deepEqual(ids(byName), [fennel.accountId]);

    const byHandle = await api(url, "GET", "/api/v1/accounts/search?q=%40fernando%40far.example", {
      token: me.token,
    });
    assert.deepEqual(ids(byHandle), [remoteId]);

    // LIKE wildcards in the query are plain characters.
    const wild = await api(url, "GET", "/api/v1/accounts/search?q=%25", { token: me.token });
    assert.deepEqual(wild.json, []);

    await followOk(url, me, fennel);
    const following = await api(url, "GET", "/api/v1/accounts/search?q=fe&following=true", {
      token: me.token,
    });
    assert.deepEqual(ids(following), [fennel.accountId]);

    const first = await api(url, "GET", "/api/v1/accounts/search?q=fe&limit=1", {
      token: me.token,
    });
    const second = await api(url, "GET", "/api/v1/accounts/search?q=fe&limit=1&offset=1", {
      token: me.token,
    });
    assert.equal(first.json.length, 1);
    assert.equal(second.json.length, 1);
    assert.notEqual(first.json[0].id, second.json[0].id);
    // People one follows come first.
    assert.equal(first.json[0].id, fennel.accountId);

    const blank = await api(url, "GET", "/api/v1/accounts/search?q=", { token: me.token });
    assert.deepEqual(blank.json, []);
    assert.equal((await api(url, "GET", "/api/v1/accounts/search?q=fe")).status, 401);
    const bad = await api(url, "GET", "/api/v1/accounts/search?q=fe&limit=lots", {
      token: me.token,
    });
    assert.equal(bad.status, 422);
  });
});
