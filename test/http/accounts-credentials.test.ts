// The signed-in user's own profile through the API: verify_credentials (CredentialAccount,
// scopes) and update_credentials (changes, rendering, escaping, 422s), on both databases.
import assert from "node:assert/strict";
import { it } from "node:test";
import { blob, png } from "../helpers/media.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser } from "../helpers/users.ts";
import { getAccountJson } from "./accounts-fixtures.ts";

eachServer("accounts API (credentials)", (server) => {
  const ctx = () => server().kith.ctx;

  it("verify_credentials gives the CredentialAccount with source and role", async () => {
    const { url } = server();
    const me = await createUser(ctx());
    const res = await api(url, "GET", "/api/v1/accounts/verify_credentials", { token: me.token });
    assert.equal(res.status, 200);
    assert.equal(res.json.id, me.accountId);
    assert.deepEqual(res.json.source, {
      privacy: "public",
      sensitive: false,
      language: null,
      note: "",
      fields: [],
      follow_requests_count: 0,
      hide_collections: false,
      discoverable: null,
      indexable: false,
      quote_policy: "public",
      attribution_domains: [],
    });
    assert.deepEqual(res.json.role, {
      id: "-99",
      name: "",
      color: "",
      permissions: "65536",
      highlighted: false,
    });

    const admin = await createUser(ctx(), { role: "admin" });
    const adminRes = await api(url, "GET", "/api/v1/accounts/verify_credentials", {
      token: admin.token,
    });
    assert.equal(adminRes.json.role.name, "Admin");
    assert.equal(Number(adminRes.json.role.permissions) & 1, 1);

    const profileOnly = await createUser(ctx(), { scopes: ["profile"] });
    assert.equal(
      (await api(url, "GET", "/api/v1/accounts/verify_credentials", { token: profileOnly.token }))
        .status,
      200,
    );
    const readAccounts = await createUser(ctx(), { scopes: ["read:accounts"] });
    assert.equal(
      (await api(url, "GET", "/api/v1/accounts/verify_credentials", { token: readAccounts.token }))
        .status,
      200,
    );
    const statusesOnly = await createUser(ctx(), { scopes: ["read:statuses"] });
    const refused = await api(url, "GET", "/api/v1/accounts/verify_credentials", {
      token: statusesOnly.token,
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error, "This action is outside the authorized scopes");
    const anonymous = await api(url, "GET", "/api/v1/accounts/verify_credentials");
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json.error, "The access token is invalid");
    // A profile-only token reaches nothing else.
    const other = await api(url, "GET", `/api/v1/accounts/${me.accountId}`, {
      token: profileOnly.token,
    });
    assert.equal(other.status, 403);
  });

  it("update_credentials changes the profile and keeps the source as typed", async () => {
    const { url } = server();
    const me = await createUser(ctx());
    const friend = await createUser(ctx());
    const res = await api(url, "PATCH", "/api/v1/accounts/update_credentials", {
      token: me.token,
      body: {
        display_name: "  <b>Me</b>  ",
        note: `Hi @${friend.username}! See https://example.com/about #kith\n<script>alert(1)</script>`,
        locked: true,
        bot: "true",
        discoverable: "1",
        indexable: true,
        hide_collections: "false",
        fields_attributes: [
          { name: "Site", value: "https://example.com" },
          { name: "<i>x</i>", value: "<script>x</script>" },
          { name: "", value: "" },
        ],
        source: { privacy: "unlisted", sensitive: true, language: "de", quote_policy: "followers" },
        attribution_domains: ["Example.com"],
      },
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const a = res.json;
    // Display names are plain text: returned as typed (trimmed); clients escape them.
    assert.equal(a.display_name, "<b>Me</b>");
    assert.ok(!a.note.includes("<script>"), a.note);
    assert.ok(a.note.includes("&lt;script&gt;alert(1)&lt;/script&gt;"), a.note);
    assert.ok(a.note.includes('href="https://example.com/about"'), a.note);
    assert.ok(a.note.includes('class="u-url mention"'), a.note);
    assert.ok(a.note.includes('class="mention hashtag"'), a.note);
    assert.ok(a.note.startsWith("<p>"), a.note);
    assert.equal(a.locked, true);
    assert.equal(a.bot, true);
    assert.equal(a.discoverable, true);
    assert.equal(a.indexable, true);
    assert.equal(a.hide_collections, false);
    assert.equal(a.fields.length, 2);
    assert.equal(a.fields[0].name, "Site");
    assert.match(
      a.fields[0].value,
      /^<a href="https:\/\/example\.com" [^>]*rel="me nofollow noopener"/,
    );
    assert.equal(a.fields[1].name, "<i>x</i>");
    assert.equal(a.fields[1].value, "&lt;script&gt;x&lt;/script&gt;");
    assert.equal(
      a.source.note,
      `Hi @${friend.username}! See https://example.com/about #kith\n<script>alert(1)</script>`,
    );
    assert.deepEqual(a.source.fields, [
      { name: "Site", value: "https://example.com", verified_at: null },
      { name: "<i>x</i>", value: "<script>x</script>", verified_at: null },
    ]);
    assert.equal(a.source.privacy, "unlisted");
    assert.equal(a.source.sensitive, true);
    assert.equal(a.source.language, "de");
    assert.equal(a.source.quote_policy, "followers");
    assert.deepEqual(a.source.attribution_domains, ["example.com"]);

    // Others see the same rendering.
    const publicView = await getAccountJson(url, me.accountId);
    assert.equal(publicView.note, a.note);
    assert.deepEqual(publicView.fields, a.fields);

    // Only what is sent changes; the Rails form style works too.
    const form = await api(url, "PATCH", "/api/v1/accounts/update_credentials", {
      token: me.token,
      form: {
        "fields_attributes[1][name]": "Second",
        "fields_attributes[1][value]": "two",
        "fields_attributes[0][name]": "First",
        "fields_attributes[0][value]": "one",
        locked: "0",
      },
    });
    assert.equal(form.status, 200, JSON.stringify(form.json));
    assert.deepEqual(
      form.json.fields.map((f: { name: string; value: string }) => [f.name, f.value]),
      [
        ["First", "one"],
        ["Second", "two"],
      ],
    );
    assert.equal(form.json.locked, false);
    assert.equal(form.json.display_name, "<b>Me</b>");
    assert.equal(form.json.source.privacy, "unlisted");
    assert.deepEqual(form.json.source.attribution_domains, ["example.com"]);

    // Clearing the language and the note.
    const cleared = await api(url, "PATCH", "/api/v1/accounts/update_credentials", {
      token: me.token,
      body: { note: "", source: { language: "" } },
    });
    assert.equal(cleared.json.note, "");
    assert.equal(cleared.json.source.note, "");
    assert.equal(cleared.json.source.language, null);
  });

  it("update_credentials takes multipart uploads, and refuses files that are no images", async () => {
    const { url } = server();
    const me = await createUser(ctx());
    const send = async (avatar: Uint8Array) => {
      const form = new FormData();
      form.set("display_name", "With avatar");
      form.set("avatar", blob(avatar, "image/png"), "a.png");
      return fetch(`${url}/api/v1/accounts/update_credentials`, {
        method: "PATCH",
        headers: { Authorization: `Bearer ${me.token}` },
        body: form,
      });
    };
    const refused = await send(new Uint8Array([137, 80, 78, 71]));
    assert.equal(refused.status, 422);
    const response = await send(await png(64, 64));
    assert.equal(response.status, 200);
    const account = (await response.json()) as { display_name: string; avatar: string };
    assert.equal(account.display_name, "With avatar");
    assert.ok(account.avatar.startsWith(`${url}/system/media/`), account.avatar);
  });

  it("update_credentials refuses invalid input with 422 and changes nothing", async () => {
    const { url } = server();
    const me = await createUser(ctx());
    const patch = (body: Record<string, unknown>, token = me.token) =>
      api(url, "PATCH", "/api/v1/accounts/update_credentials", { token, body });

    const longName = await patch({ display_name: "x".repeat(31) });
    assert.equal(longName.status, 422);
    assert.equal(
      longName.json.error,
      "Validation failed: Display name is too long (maximum is 30 characters)",
    );
    assert.deepEqual(longName.json.details.display_name, [
      { error: "ERR_TOO_LONG", description: "is too long (maximum is 30 characters)" },
    ]);
    assert.equal((await patch({ display_name: "é".repeat(30) })).status, 200);

    const longNote = await patch({ note: "n".repeat(501) });
    assert.equal(longNote.status, 422);
    assert.match(longNote.json.error, /^Validation failed: Note is too long/);
    // A URL counts as 23 characters, as in statuses.
    assert.equal(
      (await patch({ note: `${"n".repeat(470)} https://example.com/${"p".repeat(100)}` })).status,
      200,
    );

    const fiveFields = await patch({
      fields_attributes: Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, value: "v" })),
    });
    assert.equal(fiveFields.status, 422);
    assert.match(fiveFields.json.error, /^Validation failed: Fields is too long/);

    const longField = await patch({ fields_attributes: [{ name: "n", value: "v".repeat(256) }] });
    assert.equal(longField.status, 422);
    const unnamed = await patch({ fields_attributes: [{ name: "", value: "orphan" }] });
    assert.equal(unnamed.status, 422);

    for (const body of [
      { source: { privacy: "direct" } },
      { source: { language: "klingon" } },
      { source: { quote_policy: "everyone" } },
      { locked: "maybe" },
      { display_name: ["a", "b"] },
      { attribution_domains: ["not a domain"] },
    ]) {
      const res = await patch(body);
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.match(res.json.error, /^Validation failed/);
    }
    const after = await api(url, "GET", "/api/v1/accounts/verify_credentials", { token: me.token });
    assert.equal(after.json.display_name, "é".repeat(30));
    assert.deepEqual(after.json.fields, []);
    assert.equal(after.json.locked, false);
    assert.equal(after.json.source.privacy, "public");

    const readOnly = await createUser(ctx(), { scopes: ["read"] });
    const refused = await patch({ display_name: "nope" }, readOnly.token);
    assert.equal(refused.status, 403);
    const malformed = await fetch(`${url}/api/v1/accounts/update_credentials`, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${me.token}`, "Content-Type": "application/json" },
      body: "{nope",
    });
    assert.equal(malformed.status, 400);
  });
});
