// GET /api/oembed on both databases: this server's public and unlisted statuses, by page URL or
// ActivityPub URI, in Mastodon's shape (checked against the OpenAPI schema) with a
// self-contained blockquote; everything else (private, direct, boosts, other servers, wrong
// author, nonsense) is the same 404. Status pages point to it.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { postOk } from "./statuses-fixtures.ts";

eachServer("oEmbed", (server) => {
  let alice: TestUser;
  let bob: TestUser;
  const oembed = (url: string, extra = "") =>
    api(server().url, "GET", `/api/oembed?url=${encodeURIComponent(url)}${extra}`);

  before(async () => {
    alice = await createUser(server().kith.ctx, { username: "alice" });
    bob = await createUser(server().kith.ctx, { username: "bob" });
  });

  test("embeds a public status by its page URL or its URI, in Mastodon's shape", async () => {
    const base = server().url;
    const status = await postOk(base, alice, {
      status: "Hello & <b>welcome</b>",
      spoiler_text: "a <warning>",
    });
    const res = await oembed(status.url);
    assert.equal(res.status, 200);
    const host = new URL(base).host;
    assert.deepEqual(
      { ...res.json, html: undefined },
      {
        type: "rich",
        version: "1.0",
        title: "New status by alice",
        author_name: "alice",
        author_url: `${base}/@alice`,
        provider_name: host,
        provider_url: `${base}/`,
        cache_age: 86400,
        html: undefined,
        width: 400,
        height: null,
      },
    );
    const html: string = res.json.html;
    assert.ok(html.startsWith(`<blockquote class="kith-embed" cite="${status.url}">`), html);
    assert.ok(html.includes(status.content), html);
    assert.ok(html.includes("<strong>a &lt;warning&gt;</strong>"), html);
    assert.ok(html.includes(`<a href="${status.url}">`), html);
    assert.doesNotMatch(html, /<b>welcome|<script/);
    if (!OPENAPI_SKIP_REASON) await validateResponse("GET", "/api/oembed", 200, res.json);

    const byUri = await oembed(status.uri, "&maxwidth=600&maxheight=300");
    assert.equal(byUri.status, 200);
    assert.equal(byUri.json.html, html);
    assert.equal(byUri.json.width, 600);
    assert.equal(byUri.json.height, 300);
    assert.equal((await oembed(status.url, "&maxwidth=wide")).json.width, 400);

    const unlisted = await postOk(base, alice, { status: "quiet", visibility: "unlisted" });
    assert.equal((await oembed(unlisted.url)).status, 200);

    const page = await (await fetch(status.url, { headers: { Accept: "text/html" } })).text();
    const href = `${base}/api/oembed?url=${encodeURIComponent(status.url)}`;
    assert.ok(
      page.includes(`<link rel="alternate" type="application/json+oembed" href="${href}" />`),
      "the status page points to its oEmbed",
    );
  });

  test("is the same 404 for what may not be embedded and for nonsense", async () => {
    const base = server().url;
    const hidden = await postOk(base, alice, { status: "for followers", visibility: "private" });
    const direct = await postOk(base, alice, { status: "@bob psst", visibility: "direct" });
    const shown = await postOk(base, alice, { status: "boost me" });
    const boost = await api(base, "POST", `/api/v1/statuses/${shown.id}/reblog`, {
      token: bob.token,
    });
    assert.equal(boost.status, 200);
    for (const url of [
      hidden.url,
      direct.url,
      `${base}/@bob/${boost.json.id}`,
      `${base}/@bob/${shown.id}`,
      `${base}/@alice/123456789012345678`,
      `https://elsewhere.example/@alice/${shown.id}`,
      `${base}/@alice`,
      "not a url",
      "",
    ]) {
      const res = await oembed(url);
      assert.equal(res.status, 404, url);
      assert.deepEqual(res.json, { error: "Record not found" });
    }
    const missing = await api(base, "GET", "/api/oembed");
    assert.equal(missing.status, 404);
  });
});
