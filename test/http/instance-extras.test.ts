// The instance's extra endpoints over HTTP on both databases: rules (and their place in the
// Instance entities), the contact account, the extended description, the privacy policy, the
// terms of service, translation languages, custom emojis,
// preferences, peers, weekly activity, languages, trends and announcements; shapes checked against the
// Mastodon OpenAPI schema where it documents the endpoint.
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { createRestAPIClient } from "masto";
import { newId } from "../../src/db/ids.ts";
import { suspend } from "../../src/domain/accounts/admin.ts";
import { DEFAULT_PRIVACY_POLICY_UPDATED_AT } from "../../src/domain/default-privacy-policy.ts";
import {
  EXTENDED_DESCRIPTION_FILE,
  PRIVACY_POLICY_FILE,
  TERMS_OF_SERVICE_FILE,
} from "../../src/domain/instance-texts.ts";
import { addServerRule, removeServerRule } from "../../src/domain/server-rules.ts";
import { createStatus } from "../../src/domain/statuses/create.ts";
import { loadViewer } from "../../src/domain/viewer.ts";
import { insertRemoteAccount } from "../helpers/accounts.ts";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

/** Validates when the schema is at hand; the assertions on values run either way. */
async function check(method: string, path: string, status: number, body: unknown, allow = {}) {
  if (OPENAPI_SKIP_REASON) return;
  await validateResponse(method, path, status, body, { allow });
}

const unsetEmail = {
  "/contact/email": "no contact e-mail configured: Mastodon sends an empty string too",
  "/email": "no contact e-mail configured: Mastodon sends an empty string too",
};

eachServer("instance extras", (server) => {
  const ctx = () => server().kith.ctx;
  const get = (path: string, token?: string) =>
    api(server().url, "GET", path, token ? { token } : {});
  let user: TestUser;

  before(async () => {
    user = await createUser(ctx(), { username: "reader" });
  });

  test("rules: empty at first, then in position order in all three places", async () => {
    const empty = await get("/api/v1/instance/rules");
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json, []);

    const second = await addServerRule(ctx(), { text: "Be kind", hint: "Even when you disagree." });
    const first = await addServerRule(ctx(), { text: "No spam", position: -1 });
    const third = await addServerRule(ctx(), { text: "Tag <b>sensitive</b> media" });

    const res = await get("/api/v1/instance/rules");
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, [
      { id: first.id, text: "No spam", hint: "", translations: {} },
      { id: second.id, text: "Be kind", hint: "Even when you disagree.", translations: {} },
      { id: third.id, text: "Tag <b>sensitive</b> media", hint: "", translations: {} },
    ]);
    await check("GET", "/api/v1/instance/rules", 200, res.json);

    const v2 = await get("/api/v2/instance");
    assert.deepEqual(v2.json.rules, res.json);
    const v1 = await get("/api/v1/instance");
    assert.deepEqual(v1.json.rules, res.json);

    await removeServerRule(ctx(), third.id);
    assert.equal((await get("/api/v1/instance/rules")).json.length, 2);
    await assert.rejects(() => removeServerRule(ctx(), third.id), /Record not found/);
    await assert.rejects(() => addServerRule(ctx(), { text: "  " }), /can't be blank/);
    await assert.rejects(() => addServerRule(ctx(), { text: "x".repeat(301) }), /too long/);
  });

  test("contact account: null without an admin, then the first visible admin", async () => {
    const before = await get("/api/v2/instance");
    assert.equal(before.json.contact.account, null);
    assert.equal((await get("/api/v1/instance")).json.contact_account, null);

    const gone = await createUser(ctx(), { username: "gone_admin", role: "admin" });
    await suspend(ctx(), "gone_admin");
    const admin = await createUser(ctx(), { username: "the_admin", role: "admin" });
    await createUser(ctx(), { username: "later_admin", role: "admin" });

    const v2 = await get("/api/v2/instance");
    assert.equal(v2.status, 200);
    assert.equal(v2.json.contact.account.id, admin.accountId);
    assert.notEqual(v2.json.contact.account.id, gone.accountId);
    assert.equal(v2.json.contact.account.username, "the_admin");
    assert.equal(v2.json.contact.account.acct, "the_admin");
    assert.equal(v2.json.api_versions.mastodon, 7);
    await check("GET", "/api/v2/instance", 200, v2.json, unsetEmail);

    const v1 = await get("/api/v1/instance");
    assert.equal(v1.json.contact_account.id, admin.accountId);
    await check("GET", "/api/v1/instance", 200, v1.json, unsetEmail);
  });

  test("extended description: empty without the file, sanitised HTML with it", async () => {
    const path = join(ctx().config.dataDir, EXTENDED_DESCRIPTION_FILE);
    const empty = await get("/api/v1/instance/extended_description");
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json, { updated_at: null, content: "" });
    await check("GET", "/api/v1/instance/extended_description", 200, empty.json, {
      "/updated_at": "no extended description set: Mastodon sends null too",
    });

    writeFileSync(
      path,
      '<h2>Who we are</h2><p>A <a href="https://kith.example/">small</a> place.</p><script>alert(1)</script><p onclick="x()">Hi</p>',
    );
    const set = await get("/api/v1/instance/extended_description");
    assert.match(set.json.content, /<h2>Who we are<\/h2>/);
    assert.match(set.json.content, /<a href="https:\/\/kith.example\/" rel="noopener">small<\/a>/);
    assert.doesNotMatch(set.json.content, /script|alert|onclick/);
    assert.ok(!Number.isNaN(Date.parse(set.json.updated_at)));
    await check("GET", "/api/v1/instance/extended_description", 200, set.json);

    // Plain text becomes escaped paragraphs.
    writeFileSync(path, "First & <second>? No: 1 < 2.\n\nSecond\nline.");
    const now = Date.now() / 1000 + 5;
    const { utimesSync } = await import("node:fs");
    utimesSync(path, now, now);
    const plain = await get("/api/v1/instance/extended_description");
    assert.equal(
      plain.json.content,
      "<p>First &amp; &lt;second&gt;? No: 1 &lt; 2.</p>\n<p>Second<br>line.</p>",
    );
    rmSync(path);
  });

  test("privacy policy: Kith's own, naming the server, until the admin writes one", async () => {
    const path = join(ctx().config.dataDir, PRIVACY_POLICY_FILE);
    const host = new URL(server().url).host;
    const standard = await get("/api/v1/instance/privacy_policy");
    assert.equal(standard.status, 200);
    assert.equal(standard.json.updated_at, DEFAULT_PRIVACY_POLICY_UPDATED_AT);
    assert.ok(standard.json.content.includes(`privacy policy of ${host}`));
    assert.match(standard.json.content, /not end-to-end encrypted/);
    await check("GET", "/api/v1/instance/privacy_policy", 200, standard.json);

    writeFileSync(path, "<h1>Ours</h1><p>We keep little.</p><img src=x onerror=alert(1)>");
    const own = await get("/api/v1/instance/privacy_policy");
    assert.equal(own.json.content, "<h1>Ours</h1><p>We keep little.</p>");
    assert.notEqual(own.json.updated_at, DEFAULT_PRIVACY_POLICY_UPDATED_AT);
    assert.ok(!Number.isNaN(Date.parse(own.json.updated_at)));
    await check("GET", "/api/v1/instance/privacy_policy", 200, own.json);
    rmSync(path);
    assert.equal(
      (await get("/api/v1/instance/privacy_policy")).json.updated_at,
      DEFAULT_PRIVACY_POLICY_UPDATED_AT,
    );
  });

  test("terms of service: 404 until published, then in effect from the file's date", async () => {
    const path = join(ctx().config.dataDir, TERMS_OF_SERVICE_FILE);
    const none = await get("/api/v1/instance/terms_of_service");
    assert.equal(none.status, 404);
    assert.deepEqual(none.json, { error: "Record not found" });

    writeFileSync(path, "Be excellent.\n\nOr leave.");
    const effective = new Date().toISOString().slice(0, 10);
    const terms = await get("/api/v1/instance/terms_of_service");
    assert.equal(terms.status, 200);
    assert.deepEqual(terms.json, {
      effective_date: effective,
      effective: true,
      content: "<p>Be excellent.</p>\n<p>Or leave.</p>",
      succeeded_by: null,
    });
    await check("GET", "/api/v1/instance/terms_of_service", 200, terms.json);
    const dated = await get(`/api/v1/instance/terms_of_service/${effective}`);
    assert.deepEqual(dated.json, terms.json);
    await check("GET", "/api/v1/instance/terms_of_service/{date}", 200, dated.json);
    assert.equal((await get("/api/v1/instance/terms_of_service/2001-01-01")).status, 404);
    rmSync(path);
    assert.equal((await get("/api/v1/instance/terms_of_service")).status, 404);
  });

  test("translation languages: none, as Mastodon without a translation service", async () => {
    const res = await get("/api/v1/instance/translation_languages");
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, {});
  });

  test("custom emojis: local ones only, category left out when there is none", async () => {
    assert.deepEqual((await get("/api/v1/custom_emojis")).json, []);
    const now = new Date().toISOString();
    const emoji = (shortcode: string, extra: Record<string, unknown> = {}) => ({
      id: newId(),
      shortcode,
      domain: null,
      url: `https://kith.example/emoji/${shortcode}.png`,
      static_url: `https://kith.example/emoji/${shortcode}_static.png`,
      visible_in_picker: 1,
      category: null,
      created_at: now,
      ...extra,
    });
    await ctx()
      .db.kysely.insertInto("custom_emojis")
      .values([
        emoji("blobcat", { category: "Blobs" }),
        emoji("hidden", { visible_in_picker: 0 }),
        emoji("remote", { domain: "remote.example" }),
      ])
      .execute();
    const res = await get("/api/v1/custom_emojis");
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, [
      {
        shortcode: "blobcat",
        url: "https://kith.example/emoji/blobcat.png",
        static_url: "https://kith.example/emoji/blobcat_static.png",
        visible_in_picker: true,
        category: "Blobs",
      },
      {
        shortcode: "hidden",
        url: "https://kith.example/emoji/hidden.png",
        static_url: "https://kith.example/emoji/hidden_static.png",
        visible_in_picker: false,
      },
    ]);
    await check("GET", "/api/v1/custom_emojis", 200, res.json);
  });

  test("preferences: needs a user token with read:accounts; reflects the user's defaults", async () => {
    const anonymous = await get("/api/v1/preferences");
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.json, { error: "The access token is invalid" });
    const writer = await createUser(ctx(), { scopes: ["write"] });
    const denied = await get("/api/v1/preferences", writer.token);
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.json, { error: "This action is outside the authorized scopes" });

    const res = await get("/api/v1/preferences", user.token);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, {
      "posting:default:visibility": "public",
      "posting:default:sensitive": false,
      "posting:default:language": null,
      "posting:default:quote_policy": "public",
      "reading:expand:media": "default",
      "reading:expand:spoilers": false,
    });
    await check("GET", "/api/v1/preferences", 200, res.json);

    await ctx()
      .db.kysely.updateTable("users")
      .set({ default_visibility: "private", default_sensitive: 1, default_language: "de" })
      .where("account_id", "=", user.accountId)
      .execute();
    const narrow = await createUser(ctx(), { scopes: ["read:accounts"] });
    assert.equal((await get("/api/v1/preferences", narrow.token)).status, 200);
    const changed = await get("/api/v1/preferences", user.token);
    assert.equal(changed.json["posting:default:visibility"], "private");
    assert.equal(changed.json["posting:default:sensitive"], true);
    assert.equal(changed.json["posting:default:language"], "de");
  });

  test("peers: the domains of known remote accounts", async () => {
    const empty = await get("/api/v1/instance/peers");
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json, []);
    await check("GET", "/api/v1/instance/peers", 200, empty.json);
    await insertRemoteAccount(ctx().db, { username: "faraway", domain: "remote.example" });
    assert.deepEqual((await get("/api/v1/instance/peers")).json, ["remote.example"]);
  });

  test("activity: twelve weekly buckets counted from the database, figures as strings", async () => {
    const viewer = await loadViewer(ctx(), user.accountId);
    await createStatus(ctx(), viewer, { text: "counted", visibility: "public" });
    await createStatus(ctx(), viewer, { text: "also counted", visibility: "direct" });
    await ctx()
      .db.kysely.updateTable("users")
      .set({ last_sign_in_at: new Date().toISOString() })
      .where("account_id", "=", user.accountId)
      .execute();
    const res = await get("/api/v1/instance/activity");
    assert.equal(res.status, 200);
    assert.equal(res.json.length, 12);
    for (const week of res.json) {
      assert.deepEqual(Object.keys(week), ["week", "statuses", "logins", "registrations"]);
      for (const value of Object.values(week)) assert.match(value as string, /^\d+$/);
    }
    const [current, previous] = res.json;
    assert.equal(Number(current.week) % 86400, 0, "weeks start at midnight UTC");
    assert.equal(Number(current.week) - Number(previous.week), 7 * 86400);
    assert.ok(Number(current.week) * 1000 <= Date.now());
    assert.equal(current.statuses, "2");
    assert.ok(Number(current.registrations) >= 1);
    assert.ok(Number(current.logins) >= 1);
    assert.equal(previous.statuses, "0");
    await check("GET", "/api/v1/instance/activity", 200, res.json);
  });

  test("languages: every ISO 639-1 code Kith accepts, with its name (masto.js)", async () => {
    const client = createRestAPIClient({ url: server().url });
    // masto.js 8 types the answer as string[]; Mastodon (and Kith) send [{code, name}].
    const languages = (await client.v1.instance.languages.list()) as unknown as {
      code: string;
      name: string;
    }[];
    assert.equal(languages.length, 184);
    assert.deepEqual(
      languages.find((l) => l.code === "de"),
      { code: "de", name: "German" },
    );
    assert.ok(languages.every((l) => /^[a-z]{2}$/.test(l.code) && l.name.length > 2));
    // Each one is a language a status may be posted in, and nothing else is.
    const viewer = await loadViewer(ctx(), user.accountId);
    for (const { code } of languages.filter((_, i) => i % 20 === 0)) {
      const status = await createStatus(ctx(), viewer, { text: code, language: code });
      assert.equal(status.language, code);
    }
    await assert.rejects(
      createStatus(ctx(), viewer, { text: "x", language: "xx" }),
      /not a valid language code/,
    );
    // Not in Mastodon's OpenAPI description; the shape is Mastodon's [{code, name}].
    const res = await get("/api/v1/instance/languages");
    assert.deepEqual(Object.keys(res.json[0]), ["code", "name"]);
  });

  test("trends: empty lists with checked paging", async () => {
    for (const path of [
      "/api/v1/trends",
      "/api/v1/trends/tags",
      "/api/v1/trends/statuses",
      "/api/v1/trends/links",
    ]) {
      const res = await get(`${path}?limit=5&offset=0`);
      assert.equal(res.status, 200, path);
      assert.deepEqual(res.json, [], path);
      assert.equal(res.headers.get("link"), null, path);
      if (path !== "/api/v1/trends") await check("GET", path, 200, res.json);
      const bad = await get(`${path}?limit=lots`);
      assert.equal(bad.status, 422, path);
      assert.match(bad.json.error, /^Validation failed: limit/);
    }
    const later = await get("/api/v1/trends/tags?offset=30&limit=10");
    assert.match(later.headers.get("link") ?? "", /offset=20[^>]*>; rel="prev"/);
    assert.ok((later.headers.get("link") ?? "").startsWith(`<${server().url}/api/v1/trends/tags`));
  });

  test("announcements: a user's empty list; dismissing or reacting to any ID is a 404", async () => {
    const anonymous = await get("/api/v1/announcements");
    assert.equal(anonymous.status, 401);
    const res = await get("/api/v1/announcements", user.token);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, []);
    await check("GET", "/api/v1/announcements", 200, res.json);

    const base = server().url;
    const dismiss = await api(base, "POST", "/api/v1/announcements/1/dismiss", {
      token: user.token,
    });
    assert.equal(dismiss.status, 404);
    assert.deepEqual(dismiss.json, { error: "Record not found" });
    await check("POST", "/api/v1/announcements/1/dismiss", 404, dismiss.json);
    assert.equal((await api(base, "POST", "/api/v1/announcements/1/dismiss")).status, 401);
    const reader = await createUser(ctx(), { scopes: ["read"] });
    const denied = await api(base, "POST", "/api/v1/announcements/1/dismiss", {
      token: reader.token,
    });
    assert.equal(denied.status, 403);
    for (const method of ["PUT", "DELETE"]) {
      const reaction = await api(base, method, "/api/v1/announcements/1/reactions/%F0%9F%91%8D", {
        token: user.token,
      });
      assert.equal(reaction.status, 404, method);
    }
  });
});
