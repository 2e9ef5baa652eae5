// Transparency: public policy rules appear with the instance's rules (API and about page),
// shown under the server rule they enforce; private ones do not. Admins can try a text
// against the rules in force (POST /api/v1/admin/rules/test); nobody else can.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { addServerRule } from "../../src/domain/server-rules.ts";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { localRule, writeRulesFile } from "../helpers/rules.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const RULES = writeRulesFile({
  version: 1,
  local: [
    localRule("no-e", {
      public: true,
      enforces: "Write without the letter e",
      summary: "Any e, é or look-alike is refused.",
      when: { forbiddenChars: "e" },
      action: "reject",
      message: "No e here.",
    }),
    localRule("loud", {
      public: true,
      when: { pattern: "!!!" },
      action: "mark_sensitive",
      message: "Loud posts are marked sensitive.",
    }),
    localRule("secret", { when: { words: ["qux"] }, action: "reject", message: "Hidden rule." }),
  ],
  incoming: [
    {
      id: "spam",
      public: true,
      summary: "Spam from other servers is refused.",
      when: { words: ["casino"] },
      action: "reject",
    },
  ],
});

eachServer(
  "published instance rules",
  (server) => {
    let admin: TestUser;
    let member: TestUser;
    let serverRuleId: string;
    const trial = (token: string, body: unknown) =>
      api(server().url, "POST", "/api/v1/admin/rules/test", { token, body });

    before(async () => {
      const { ctx } = server().kith;
      serverRuleId = (await addServerRule(ctx, { text: "Write without the letter e" })).id;
      admin = await createUser(ctx, { role: "admin", scopes: ["read", "write", "admin:read"] });
      member = await createUser(ctx, { scopes: ["read", "write", "admin:read"] });
    });

    it("lists public rules with the server rule they enforce, and hides private ones", async () => {
      const listed = await api(server().url, "GET", "/api/v1/instance/rules");
      assert.equal(listed.status, 200);
      if (!OPENAPI_SKIP_REASON)
        await validateResponse("GET", "/api/v1/instance/rules", 200, listed.json);
      assert.deepEqual(
        listed.json.map((r: { id: string; text: string; hint: string }) => [r.id, r.text, r.hint]),
        [
          [
            serverRuleId,
            "Write without the letter e",
            "Checked automatically: Any e, é or look-alike is refused.",
          ],
          [
            "policy-loud",
            "Loud posts are marked sensitive.",
            "Checked automatically when you post.",
          ],
          [
            "policy-spam",
            "Spam from other servers is refused.",
            "Checked automatically on posts from other servers.",
          ],
        ],
      );
      const instance = await api(server().url, "GET", "/api/v2/instance");
      assert.deepEqual(instance.json.rules, listed.json);
      const about = await api(server().url, "GET", "/about");
      assert.match(about.json, /Checked automatically: Any e, é or look-alike is refused\./);
      assert.match(about.json, /Loud posts are marked sensitive\./);
      assert.doesNotMatch(about.json, /Hidden rule/);
    });

    it("lets an admin try a text against the rules in force", async () => {
      const refused = await trial(admin.token, { text: "quxx or qux" });
      assert.equal(refused.status, 200);
      assert.deepEqual(refused.json, {
        allowed: false,
        refused_by: { rule: "secret", action: "reject", message: "Hidden rule.", field: "text" },
        changes: [],
        sensitive: false,
        visibility: "public",
      });
      const changed = await trial(admin.token, { text: "hooray!!!" });
      assert.equal(changed.json.allowed, true);
      assert.deepEqual(
        changed.json.changes.map((c: { rule: string }) => c.rule),
        ["loud"],
      );
      assert.equal(changed.json.sensitive, true);
      const missing = await trial(admin.token, {});
      assert.equal(missing.status, 422);
      assert.equal(typeof missing.json.error, "string");
    });

    it("refuses anyone but an admin", async () => {
      const asMember = await trial(member.token, { text: "x" });
      assert.equal(asMember.status, 403);
      assert.equal(asMember.json.error, "This action is not allowed");
      assert.equal(
        (await api(server().url, "POST", "/api/v1/admin/rules/test", { body: { text: "x" } }))
          .status,
        401,
      );
    });
  },
  { env: { KITH_RULES_FILE: RULES } },
);
