// The server rules admin API (/api/v1/admin/server_rules, a Kith extension) on both databases:
// admins with Manage Rules create, edit, reorder and delete rules; moderators and users get
// 403; the changes show in /api/v1/instance/rules, /api/v2/instance and on /about, and each is
// in the audit log with who made it.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { auditTrail } from "../helpers/audit.ts";
import { OPENAPI_SKIP_REASON, validateEntity } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];
const PATH = "/api/v1/admin/server_rules";

describe("server rules admin API", { skip: OPENAPI_SKIP_REASON }, () => {
  eachServer(PATH, (server) => {
    let admin: TestUser;
    let mod: TestUser;
    let user: TestUser;
    const base = () => server().url;
    const publicTexts = async () =>
      (await api(base(), "GET", "/api/v1/instance/rules")).json.map(
        (r: { text: string }) => r.text,
      );

    before(async () => {
      const ctx = server().kith.ctx;
      admin = await createUser(ctx, { username: "boss", role: "admin", scopes: STAFF_SCOPES });
      mod = await createUser(ctx, { username: "moddy", role: "moderator", scopes: STAFF_SCOPES });
      user = await createUser(ctx, { username: "plain", scopes: STAFF_SCOPES });
    });

    it("creates, edits, reorders and deletes rules, shown everywhere members read them", async () => {
      const kind = await api(base(), "POST", PATH, {
        token: admin.token,
        body: { text: "Be kind", hint: "Even when you disagree." },
      });
      assert.equal(kind.status, 200, JSON.stringify(kind.json));
      await validateEntity("Rule", kind.json);
      assert.equal(kind.json.priority, 0);
      const spam = await api(base(), "POST", PATH, {
        token: admin.token,
        form: { text: "No spam" },
      });
      assert.equal(spam.json.priority, 1);
      assert.deepEqual(await publicTexts(), ["Be kind", "No spam"]);

      const moved = await api(base(), "PUT", `${PATH}/${spam.json.id}`, {
        token: admin.token,
        body: { priority: -1, text: "No spam, no ads" },
      });
      assert.equal(moved.status, 200, JSON.stringify(moved.json));
      assert.equal(moved.json.hint, "", "what is not given stays");
      assert.deepEqual(await publicTexts(), ["No spam, no ads", "Be kind"]);

      const v2 = await api(base(), "GET", "/api/v2/instance");
      assert.deepEqual(
        v2.json.rules.map((r: { text: string }) => r.text),
        ["No spam, no ads", "Be kind"],
      );
      const about = await (await fetch(`${base()}/about`)).text();
      assert.match(about, /No spam, no ads[\s\S]*Be kind[\s\S]*Even when you disagree/);

      const listed = await api(base(), "GET", PATH, { token: admin.token });
      for (const r of listed.json) await validateEntity("Rule", r);
      assert.deepEqual(
        listed.json.map((r: { id: string }) => r.id),
        [spam.json.id, kind.json.id],
      );
      const one = await api(base(), "GET", `${PATH}/${kind.json.id}`, { token: admin.token });
      assert.equal(one.json.hint, "Even when you disagree.");

      const del = await api(base(), "DELETE", `${PATH}/${kind.json.id}`, { token: admin.token });
      assert.equal(del.status, 200);
      assert.deepEqual(await publicTexts(), ["No spam, no ads"]);
      assert.equal(
        (await api(base(), "DELETE", `${PATH}/${kind.json.id}`, { token: admin.token })).status,
        404,
      );

      assert.deepEqual(await auditTrail(base(), admin.token, "action=server_rule."), [
        ["server_rule.destroy", "Be kind", "boss"],
        ["server_rule.update", "No spam, no ads", "boss"],
        ["server_rule.create", "No spam", "boss"],
        ["server_rule.create", "Be kind", "boss"],
      ]);
      const update = await api(base(), "GET", "/api/v1/admin/audit_log?action=server_rule.update", {
        token: admin.token,
      });
      assert.equal(update.json[0].detail.previous_text, "No spam");
    });

    it("refuses bad input with 422", async () => {
      for (const body of [
        {},
        { text: "  " },
        { text: "x".repeat(301) },
        { text: "ok", priority: "first" },
      ]) {
        const r = await api(base(), "POST", PATH, { token: admin.token, body });
        assert.equal(r.status, 422, `${JSON.stringify(body)}: ${JSON.stringify(r.json)}`);
      }
      assert.equal(
        (await api(base(), "PUT", `${PATH}/123`, { token: admin.token, body: { text: "x" } }))
          .status,
        404,
      );
    });

    it("needs Manage Rules: moderators and users get 403, and nothing changes", async () => {
      const before = await publicTexts();
      for (const who of [mod, user]) {
        assert.equal((await api(base(), "GET", PATH, { token: who.token })).status, 403);
        const post = await api(base(), "POST", PATH, { token: who.token, body: { text: "Mine" } });
        assert.equal(post.status, 403);
      }
      const readOnly = await createUser(server().kith.ctx, {
        role: "admin",
        scopes: ["admin:read"],
      });
      assert.equal((await api(base(), "GET", PATH, { token: readOnly.token })).status, 200);
      const post = await api(base(), "POST", PATH, {
        token: readOnly.token,
        body: { text: "Mine" },
      });
      assert.equal(post.status, 403);
      assert.deepEqual(await publicTexts(), before);
    });
  });
});
