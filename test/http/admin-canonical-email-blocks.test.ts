// Canonical e-mail blocks over HTTP on both databases: the admin API (Mastodon's entity, checked
// against the OpenAPI schema's Admin::CanonicalEmailBlock; Manage Blocks), the hash of the
// canonical address, `POST …/test`, audit entries, and sign-ups refused for the address however
// it is spelled.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, describe, it } from "node:test";
import { OPENAPI_SKIP_REASON, validateEntity } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { accountState, apiSignUp, appToken, pageSignUp } from "./sign-up-client.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];
const PATH = "/api/v1/admin/canonical_email_blocks";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

describe("canonical e-mail blocks", { skip: OPENAPI_SKIP_REASON }, () => {
  eachServer(PATH, (server) => {
    let admin: TestUser;
    let mod: TestUser;
    let appOnly: string;
    const base = () => server().url;

    before(async () => {
      const ctx = server().kith.ctx;
      admin = await createUser(ctx, { username: "boss", role: "admin", scopes: STAFF_SCOPES });
      mod = await createUser(ctx, { username: "moddy", role: "moderator", scopes: STAFF_SCOPES });
      appOnly = await appToken(server());
    });

    it("blocks an address by the hash of its canonical form, and refuses it at sign-up", async () => {
      const created = await api(base(), "POST", PATH, {
        token: admin.token,
        body: { email: "J.Doe+work@Mail.Example" },
      });
      assert.equal(created.status, 200, JSON.stringify(created.json));
      await validateEntity("AdminCanonicalEmailBlock", created.json);
      assert.equal(created.json.canonical_email_hash, sha256("jdoe@mail.example"));

      const byHash = await api(base(), "POST", PATH, {
        token: admin.token,
        body: { canonical_email_hash: sha256("other@mail.example").toUpperCase() },
      });
      assert.equal(byHash.status, 200, JSON.stringify(byHash.json));
      assert.equal(byHash.json.canonical_email_hash, sha256("other@mail.example"));

      const listed = await api(base(), "GET", PATH, { token: admin.token });
      for (const b of listed.json) await validateEntity("AdminCanonicalEmailBlock", b);
      assert.equal(listed.json.length, 2);
      const tested = await api(base(), "POST", `${PATH}/test`, {
        token: admin.token,
        body: { email: "jdoe+x@mail.example" },
      });
      assert.deepEqual(
        tested.json.map((b: { id: string }) => b.id),
        [created.json.id],
      );
      const none = await api(base(), "POST", `${PATH}/test`, {
        token: admin.token,
        body: { email: "jane@mail.example" },
      });
      assert.deepEqual(none.json, []);

      const refused = await apiSignUp(server(), appOnly, "192.0.2.30", {
        username: "jdoeagain",
        email: "j.d.o.e+new@mail.example",
      });
      assert.equal(refused.status, 422, JSON.stringify(refused.json));
      assert.equal(refused.json.details.email[0].error, "ERR_BLOCKED");
      const page = await pageSignUp(server(), "192.0.2.30", {
        username: "jdoepage",
        email: "JDoe@mail.example",
      });
      assert.equal(page.status, 422);
      assert.equal(await accountState(server(), "jdoepage"), "absent");
      const jane = await apiSignUp(server(), appOnly, "192.0.2.31", {
        username: "jane",
        email: "jane@mail.example",
      });
      assert.equal(jane.status, 200, JSON.stringify(jane.json));

      const dup = await api(base(), "POST", PATH, {
        token: admin.token,
        body: { email: "jdoe@mail.example" },
      });
      assert.equal(dup.status, 422);
      for (const body of [{}, { email: "no-at-sign" }, { canonical_email_hash: "abc" }]) {
        const r = await api(base(), "POST", PATH, { token: admin.token, body });
        assert.equal(r.status, 422, JSON.stringify(body));
      }

      const del = await api(base(), "DELETE", `${PATH}/${created.json.id}`, { token: admin.token });
      assert.equal(del.status, 200);
      const back = await apiSignUp(server(), appOnly, "192.0.2.32", {
        username: "jdoeback",
        email: "jdoe@mail.example",
      });
      assert.equal(back.status, 200, JSON.stringify(back.json));
      const audit = await api(
        base(),
        "GET",
        "/api/v1/admin/audit_log?action=canonical_email_block.",
        {
          token: admin.token,
        },
      );
      assert.deepEqual(
        audit.json.map((e: { action: string }) => e.action),
        [
          "canonical_email_block.destroy",
          "canonical_email_block.create",
          "canonical_email_block.create",
        ],
      );
    });

    it("needs Manage Blocks", async () => {
      assert.equal((await api(base(), "GET", PATH, { token: mod.token })).status, 403);
      const post = await api(base(), "POST", PATH, {
        token: mod.token,
        body: { email: "x@example.test" },
      });
      assert.equal(post.status, 403);
    });
  });
});
