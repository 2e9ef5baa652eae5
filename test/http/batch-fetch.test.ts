// Fetching several statuses or accounts at once (GET /api/v1/statuses?id[]= and
// GET /api/v1/accounts?id[]=, Mastodon 4.3) with masto.js on both databases: the order asked
// for, unknown and unseeable IDs skipped, Mastodon's limits (20 statuses, 40 accounts) refused
// with 422, and the shapes checked against Mastodon's OpenAPI schema.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { createRestAPIClient } from "masto";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { follow, postOk } from "./statuses-fixtures.ts";

const validate = OPENAPI_SKIP_REASON
  ? async () => {}
  : (path: string, res: { status: number; json: unknown }) =>
      validateResponse("GET", path, res.status, res.json);

eachServer("batch fetch", (server) => {
  const base = () => server().url;
  let alice: TestUser;
  let bob: TestUser; // follows alice
  let eve: TestUser; // does not
  const statuses: Record<string, string> = {};

  before(async () => {
    const { ctx } = server().kith;
    alice = await createUser(ctx, { username: "alice" });
    bob = await createUser(ctx, { username: "bob" });
    eve = await createUser(ctx, { username: "eve" });
    await follow(ctx, bob, alice);
    for (const visibility of ["public", "unlisted", "private", "direct"])
      statuses[visibility] = (await postOk(base(), alice, { status: visibility, visibility })).id;
  });

  it("returns the statuses the viewer may see, in the order asked for (masto.js)", async () => {
    const order = [statuses.private!, "123456789012345678", statuses.public!, statuses.direct!];
    const asBob = createRestAPIClient({ url: base(), accessToken: bob.token });
    const seen = await asBob.v1.statuses.fetch({ id: [...order, statuses.unlisted!] });
    assert.deepEqual(
      seen.map((s) => s.content),
      ["<p>private</p>", "<p>public</p>", "<p>unlisted</p>"],
    );
    const asEve = createRestAPIClient({ url: base(), accessToken: eve.token });
    assert.deepEqual(
      (await asEve.v1.statuses.fetch({ id: order })).map((s) => s.content),
      ["<p>public</p>"],
    );
    const path = `/api/v1/statuses?${order.map((id) => `id[]=${id}`).join("&")}`;
    const anonymous = await api(base(), "GET", path);
    assert.equal(anonymous.status, 200);
    assert.equal(anonymous.json.length, 1);
    await validate(path, anonymous);
  });

  it("returns accounts in the order asked for, skipping unknown ones (masto.js)", async () => {
    const client = createRestAPIClient({ url: base() });
    const accounts = await client.v1.accounts.fetch({
      id: [eve.accountId, "123456789012345678", alice.accountId],
    });
    assert.deepEqual(
      accounts.map((a) => a.acct),
      ["eve", "alice"],
    );
    const path = `/api/v1/accounts?id[]=${bob.accountId}`;
    const res = await api(base(), "GET", path);
    await validate(path, res);
  });

  it("refuses more than 20 statuses or 40 accounts with 422", async () => {
    const query = (n: number) =>
      Array.from(
        { length: n },
        (_, i) => `id[]=1000000000000000${String(i).padStart(2, "0")}`,
      ).join("&");
    assert.equal((await api(base(), "GET", `/api/v1/statuses?${query(20)}`)).status, 200);
    const statuses = await api(base(), "GET", `/api/v1/statuses?${query(21)}`);
    assert.equal(statuses.status, 422);
    assert.match(statuses.json.error, /at most 20/);
    // The same ID twice counts once.
    const twice = `${query(20)}&id[]=100000000000000000`; // the first again
    assert.equal((await api(base(), "GET", `/api/v1/statuses?${twice}`)).status, 200);
    assert.equal((await api(base(), "GET", `/api/v1/accounts?${query(40)}`)).status, 200);
    const accounts = await api(base(), "GET", `/api/v1/accounts?${query(41)}`);
    assert.equal(accounts.status, 422);
    assert.match(accounts.json.error, /at most 40/);
  });
});
