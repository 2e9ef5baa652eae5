// Read markers over HTTP on both databases through masto.js: set and fetch home and
// notifications positions, the version counting each update, each user's own; junk refused.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRestAPIClient } from "masto";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser } from "../helpers/users.ts";

const HOME_ID = "110000000000000001";
const LATER_ID = "110000000000000002";
const NOTE_ID = "110000000000000003";

eachServer("markers API", (server) => {
  const ctx = () => server().kith.ctx;

  it("saves and fetches home and notifications markers, counting versions", async () => {
    const { url } = server();
    const [me, other] = [await createUser(ctx()), await createUser(ctx())];
    const client = createRestAPIClient({ url, accessToken: me.token });
    const both = { timeline: ["home", "notifications"] as const };
    assert.deepEqual(await client.v1.markers.fetch(both), {});

    const saved = await client.v1.markers.create({ home: { lastReadId: HOME_ID } });
    assert.deepEqual(Object.keys(saved), ["home"]);
    assert.equal(saved.home?.lastReadId, HOME_ID);
    assert.equal(saved.home?.version, 0);
    assert.ok(!Number.isNaN(Date.parse(saved.home!.updatedAt)));

    const moved = await client.v1.markers.create({
      home: { lastReadId: LATER_ID },
      notifications: { lastReadId: NOTE_ID },
    });
    assert.deepEqual(
      [moved.home?.lastReadId, moved.home?.version, moved.notifications?.version],
      [LATER_ID, 1, 0],
    );
    const fetched = await client.v1.markers.fetch(both);
    assert.equal(fetched.home?.lastReadId, LATER_ID);
    assert.equal(fetched.notifications?.lastReadId, NOTE_ID);
    const onlyHome = await client.v1.markers.fetch({ timeline: ["home"] });
    assert.deepEqual(Object.keys(onlyHome), ["home"]);
    assert.deepEqual(await client.v1.markers.fetch(), {}, "no timeline asked, none given");
    // Form-encoded as older clients send it, and an unknown timeline ignored.
    const form = await api(url, "POST", "/api/v1/markers", {
      token: me.token,
      form: { "home[last_read_id]": HOME_ID, "public[last_read_id]": HOME_ID },
    });
    assert.equal(form.status, 200);
    assert.deepEqual(Object.keys(form.json), ["home"]);
    assert.equal(form.json.home.version, 2);

    // Each user's own.
    const theirs = await api(url, "GET", "/api/v1/markers?timeline[]=home", { token: other.token });
    assert.deepEqual(theirs.json, {});
  });

  it("refuses junk positions and anonymous callers", async () => {
    const { url } = server();
    const me = await createUser(ctx());
    for (const body of [
      { home: { last_read_id: "not-an-id" } },
      { home: "110000000000000001" },
      { notifications: { last_read_id: "" } },
    ]) {
      const res = await api(url, "POST", "/api/v1/markers", { token: me.token, body });
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.match(res.json.error, /Validation failed/);
    }
    assert.deepEqual(
      (await api(url, "GET", "/api/v1/markers?timeline[]=home", { token: me.token })).json,
      {},
      "nothing was saved",
    );
    assert.equal((await api(url, "GET", "/api/v1/markers?timeline[]=home")).status, 401);
    const reader = await createUser(ctx(), { scopes: ["read"] });
    const refused = await api(url, "POST", "/api/v1/markers", {
      token: reader.token,
      body: { home: { last_read_id: HOME_ID } },
    });
    assert.equal(refused.status, 403);
  });
});

describe("markers against the Mastodon OpenAPI schema", { skip: OPENAPI_SKIP_REASON }, () => {
  eachServer("markers schema", (server) => {
    it("matches the documented shapes", async () => {
      const { url } = server();
      const me = await createUser(server().kith.ctx);
      const post = await api(url, "POST", "/api/v1/markers", {
        token: me.token,
        body: { home: { last_read_id: HOME_ID }, notifications: { last_read_id: NOTE_ID } },
      });
      await validateResponse("POST", "/api/v1/markers", post.status, post.json);
      const path = "/api/v1/markers?timeline[]=home&timeline[]=notifications";
      const get = await api(url, "GET", path, { token: me.token });
      await validateResponse("GET", path, get.status, get.json);
      assert.deepEqual(Object.keys(get.json).sort(), ["home", "notifications"]);
    });
  });
});
