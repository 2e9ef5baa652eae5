// Hashtags over HTTP on both databases, through masto.js: looking a tag up (with its week of
// public use), following and unfollowing it, followed_tags paged by Link; public posts with a
// followed tag entering the follower's home timeline (and nothing the follower may not see);
// featured tags on profiles with their suggestions; bad names refused; OpenAPI shapes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRestAPIClient, type mastodon } from "masto";
import { FEATURED_TAGS_LIMIT } from "../../src/domain/tags/featured.ts";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { followOk } from "./accounts-fixtures.ts";
import { ids, postOk } from "./statuses-fixtures.ts";

const clientFor = (url: string, user: TestUser): mastodon.rest.Client =>
  createRestAPIClient({ url, accessToken: user.token });

eachServer("tags API", (server) => {
  const ctx = () => server().kith.ctx;
  const user = () => createUser(ctx());

  it("looks a tag up with its public use, and follows and unfollows it", async () => {
    const { url } = server();
    const me = await user();
    const client = clientFor(url, me);
    const unused = await api(url, "GET", "/api/v1/tags/Unheard");
    assert.equal(unused.status, 200);
    assert.deepEqual(
      [unused.json.id, unused.json.name, unused.json.history.length],
      ["", "Unheard", 7],
    );
    assert.equal("following" in unused.json, false, "no viewer, no following flag");
    for (const bad of ["no-dashes", "123", "a%20b", "x".repeat(101)]) {
      const res = await api(url, "GET", `/api/v1/tags/${bad}`);
      assert.equal(res.status, 404, bad);
    }

    await postOk(url, me, { status: "#Kith is here" });
    await postOk(url, me, { status: "#kith quietly", visibility: "private" });
    const tag = await client.v1.tags.$select("kith").fetch();
    assert.notEqual(tag.id, "");
    assert.equal(tag.name, "Kith", "kept as first written");
    assert.equal(tag.following, false);
    const today = tag.history![0]!;
    assert.deepEqual([today.uses, today.accounts], ["1", "1"], "only the public post counts");
    assert.equal(Number(today.day) % 86400, 0);

    assert.equal((await client.v1.tags.$select("kith").follow()).following, true);
    assert.equal((await client.v1.tags.$select("KITH").fetch()).following, true);
    assert.equal((await client.v1.tags.$select("kith").follow()).following, true, "twice is once");
    assert.deepEqual(
      (await client.v1.followedTags.list()).map((t) => t.name),
      ["Kith"],
    );
    assert.equal((await client.v1.tags.$select("kith").unfollow()).following, false);
    assert.deepEqual(await client.v1.followedTags.list(), []);
    const bad = await api(url, "POST", "/api/v1/tags/not-a-tag/follow", { token: me.token });
    assert.equal(bad.status, 422);
    assert.equal((await api(url, "POST", "/api/v1/tags/kith/follow")).status, 401);
  });

  it("pages followed tags newest first through the Link header", async () => {
    const { url } = server();
    const me = await user();
    const client = clientFor(url, me);
    const names = ["alpha", "beta", "gamma", "delta", "epsilon"];
    for (const name of names) await client.v1.tags.$select(name).follow();
    const pages: string[][] = [];
    for await (const page of client.v1.followedTags.list({ limit: 2 }))
      pages.push(page.map((t) => t.name));
    assert.deepEqual(pages, [["epsilon", "delta"], ["gamma", "beta"], ["alpha"]]);
  });

  it("puts public posts with a followed tag in home, never what the follower may not see", async () => {
    const { url } = server();
    const [fan, author, booster, blocked, limited] = [
      await user(),
      await user(),
      await user(),
      await user(),
      await user(),
    ];
    await clientFor(url, fan).v1.tags.$select("cats").follow();
    await api(url, "POST", `/api/v1/accounts/${blocked.accountId}/block`, { token: fan.token });
    await ctx()
      .db.kysely.updateTable("accounts")
      .set({ silenced_at: new Date().toISOString() })
      .where("id", "=", limited.accountId)
      .execute();
    const home = () => ids(url, "/api/v1/timelines/home?limit=40", fan);

    const shown = await postOk(url, author, { status: "look #Cats" });
    await postOk(url, author, { status: "unlisted #cats", visibility: "unlisted" });
    await postOk(url, author, { status: "followers #cats", visibility: "private" });
    // Reaches the fan as its addressee, not through the tag.
    const dm = await postOk(url, author, {
      status: `@${fan.username} #cats`,
      visibility: "direct",
    });
    await postOk(url, author, { status: "no tag" });
    await postOk(url, blocked, { status: "#cats from someone blocked" });
    await postOk(url, limited, { status: "#cats from a limited account" });
    await api(url, "POST", `/api/v1/statuses/${shown.id}/reblog`, { token: booster.token });
    const home1 = await home();
    assert.deepEqual(home1, [dm.id, shown.id]);

    await clientFor(url, fan).v1.tags.$select("cats").unfollow();
    await postOk(url, author, { status: "later #cats" });
    assert.deepEqual(await home(), home1, "unfollowed: nothing more");
    // Following the author too does not bring the tagged post twice.
    await clientFor(url, fan).v1.tags.$select("cats").follow();
    await followOk(url, fan, author);
    const again = await postOk(url, author, { status: "again #cats" });
    const home2 = await home();
    assert.equal(home2.filter((id) => id === again.id).length, 1);
  });

  it("features tags on the profile, with counts, suggestions and the limit", async () => {
    const { url } = server();
    const [me, other] = [await user(), await user()];
    const client = clientFor(url, me);
    await postOk(url, me, { status: "#Garden day" });
    await postOk(url, me, { status: "#garden again, #Soup" });
    await postOk(url, me, { status: "#garden for followers", visibility: "private" });
    assert.deepEqual((await client.v1.featuredTags.suggestions.list()).map((t) => t.name).sort(), [
      "Garden",
      "Soup",
    ]);
    const featured = await client.v1.featuredTags.create({ name: "garden" });
    assert.equal(featured.name, "Garden");
    assert.equal(String(featured.statusesCount), "2", "public and unlisted posts only");
    assert.equal(featured.lastStatusAt, new Date().toISOString().slice(0, 10));
    assert.match(featured.url, new RegExp(`/@${me.username}/tagged/Garden$`));
    assert.equal((await client.v1.featuredTags.create({ name: "#Garden" })).id, featured.id);
    assert.deepEqual(
      (await client.v1.featuredTags.suggestions.list()).map((t) => t.name),
      ["Soup"],
    );
    const onProfile = await api(url, "GET", `/api/v1/accounts/${me.accountId}/featured_tags`);
    assert.deepEqual(
      onProfile.json.map((f: { id: string }) => f.id),
      [featured.id],
    );
    assert.equal((await client.v1.tags.$select("garden").fetch()).featuring, true);

    // POST /tags/:name/feature and /unfeature, the Mastodon 4.4 way.
    assert.equal((await client.v1.tags.$select("soup").feature()).featuring, true);
    assert.equal((await client.v1.featuredTags.list()).length, 2);
    assert.equal((await client.v1.tags.$select("soup").unfeature()).featuring, false);

    // Bad input: a malformed name, someone else's featured tag, too many.
    const bad = await api(url, "POST", "/api/v1/featured_tags", {
      token: me.token,
      body: { name: "not a tag" },
    });
    assert.equal(bad.status, 422);
    const missing = await api(url, "POST", "/api/v1/featured_tags", { token: me.token, body: {} });
    assert.equal(missing.status, 422);
    const theirs = await api(url, "DELETE", `/api/v1/featured_tags/${featured.id}`, {
      token: other.token,
    });
    assert.equal(theirs.status, 404);
    for (let i = 1; i < FEATURED_TAGS_LIMIT; i++)
      await client.v1.featuredTags.create({ name: `tag${i}x` });
    const tooMany = await api(url, "POST", "/api/v1/featured_tags", {
      token: me.token,
      body: { name: "onemore" },
    });
    assert.equal(tooMany.status, 422);
    await client.v1.featuredTags.$select(featured.id).remove();
    assert.equal((await client.v1.featuredTags.list()).length, FEATURED_TAGS_LIMIT - 1);
    const gone = await api(url, "GET", "/api/v1/accounts/123456789012345678/featured_tags");
    assert.equal(gone.status, 404);
  });
});

describe("tags against the Mastodon OpenAPI schema", { skip: OPENAPI_SKIP_REASON }, () => {
  eachServer("tags schema", (server) => {
    it("matches the documented shapes", async () => {
      const { url } = server();
      const me = await createUser(server().kith.ctx);
      await postOk(url, me, { status: "#schema test" });
      const check = async (method: string, path: string, body?: unknown) => {
        const res = await api(url, method, path, { token: me.token, body });
        await validateResponse(method, path, res.status, res.json);
        return res;
      };
      await check("GET", "/api/v1/tags/schema");
      await check("GET", "/api/v1/tags/nobodyusedthis");
      await check("POST", "/api/v1/tags/schema/follow");
      await check("GET", "/api/v1/followed_tags");
      await check("POST", "/api/v1/tags/schema/unfollow");
      await check("GET", "/api/v1/featured_tags/suggestions");
      const featured = (await check("POST", "/api/v1/featured_tags", { name: "schema" })).json;
      await check("GET", "/api/v1/featured_tags");
      await check("GET", `/api/v1/accounts/${me.accountId}/featured_tags`);
      await check("POST", "/api/v1/tags/other/feature");
      await check("POST", "/api/v1/tags/other/unfeature");
      await check("DELETE", `/api/v1/featured_tags/${featured.id}`);
    });
  });
});
