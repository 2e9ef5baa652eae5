// E-mail domain blocks over HTTP on both databases: the admin API (Mastodon's entity, checked
// against the OpenAPI schema's entity: the schema lists no admin paths; Manage Blocks and the admin scopes), audit entries in the same
// transaction, and sign-ups refused for the domain and its subdomains through the API and the
// sign-up page, with the refused attempts in the block's history.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { pruneEmailDomainBlockAttempts } from "../../src/domain/moderation/email-domain-blocks.ts";
import { auditTrail } from "../helpers/audit.ts";
import { OPENAPI_SKIP_REASON, validateEntity } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { accountState, apiSignUp, appToken, pageSignUp } from "./sign-up-client.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];
const PATH = "/api/v1/admin/email_domain_blocks";

describe("e-mail domain blocks", { skip: OPENAPI_SKIP_REASON }, () => {
  eachServer("/api/v1/admin/email_domain_blocks", (server) => {
    let admin: TestUser;
    let mod: TestUser;
    let user: TestUser;
    let appOnly: string;
    let blockId: string;
    const base = () => server().url;

    before(async () => {
      const ctx = server().kith.ctx;
      admin = await createUser(ctx, { username: "boss", role: "admin", scopes: STAFF_SCOPES });
      mod = await createUser(ctx, { username: "moddy", role: "moderator", scopes: STAFF_SCOPES });
      user = await createUser(ctx, { username: "plain", scopes: STAFF_SCOPES });
      appOnly = await appToken(server());
    });

    it("blocks a domain, normalised, and shows it in Mastodon's shape", async () => {
      const created = await api(base(), "POST", PATH, {
        token: admin.token,
        body: { domain: " Spam.Example. " },
      });
      assert.equal(created.status, 200, JSON.stringify(created.json));
      await validateEntity("AdminEmailDomainBlock", created.json);
      assert.equal(created.json.domain, "spam.example");
      assert.equal(created.json.history.length, 7);
      blockId = created.json.id;

      const listed = await api(base(), "GET", PATH, { token: admin.token });
      assert.equal(listed.status, 200);
      for (const b of listed.json) await validateEntity("AdminEmailDomainBlock", b);
      assert.deepEqual(
        listed.json.map((b: { domain: string }) => b.domain),
        ["spam.example"],
      );
      const one = await api(base(), "GET", `${PATH}/${blockId}`, { token: admin.token });
      assert.equal(one.status, 200);
      await validateEntity("AdminEmailDomainBlock", one.json);
      assert.equal(one.json.domain, "spam.example");
    });

    it("refuses duplicates, blanks and things that are not domains with 422", async () => {
      for (const domain of ["spam.example", "", "not a domain", "a@b.example", "-x.example"]) {
        const r = await api(base(), "POST", PATH, { token: admin.token, body: { domain } });
        assert.equal(r.status, 422, `${domain}: ${JSON.stringify(r.json)}`);
        assert.equal(typeof r.json.error, "string");
      }
      const missing = await api(base(), "POST", PATH, { token: admin.token, body: {} });
      assert.equal(missing.status, 422);
      assert.equal((await api(base(), "GET", `${PATH}/999`, { token: admin.token })).status, 404);
      assert.equal((await api(base(), "GET", `${PATH}/x`, { token: admin.token })).status, 404);
    });

    it("needs Manage Blocks and the admin scopes", async () => {
      for (const who of [mod, user]) {
        assert.equal((await api(base(), "GET", PATH, { token: who.token })).status, 403);
        const post = await api(base(), "POST", PATH, {
          token: who.token,
          body: { domain: "other.example" },
        });
        assert.equal(post.status, 403);
        const del = await api(base(), "DELETE", `${PATH}/${blockId}`, { token: who.token });
        assert.equal(del.status, 403);
      }
      const noScope = await createUser(server().kith.ctx, { role: "admin", scopes: ["read"] });
      assert.equal((await api(base(), "GET", PATH, { token: noScope.token })).status, 403);
      const narrow = await createUser(server().kith.ctx, {
        role: "admin",
        scopes: ["admin:read:email_domain_blocks"],
      });
      assert.equal((await api(base(), "GET", PATH, { token: narrow.token })).status, 200);
      const write = await api(base(), "POST", PATH, {
        token: narrow.token,
        body: { domain: "other.example" },
      });
      assert.equal(write.status, 403);
      assert.equal((await api(base(), "GET", PATH)).status, 401);
    });

    it("refuses sign-ups at the domain and its subdomains, through the API and the page", async () => {
      const refused = await apiSignUp(server(), appOnly, "192.0.2.10", {
        username: "spammer1",
        email: "someone@spam.example",
      });
      assert.equal(refused.status, 422, JSON.stringify(refused.json));
      assert.deepEqual(refused.json.details.email, [
        { error: "ERR_BLOCKED", description: "uses a disallowed e-mail provider" },
      ]);
      const sub = await apiSignUp(server(), appOnly, "192.0.2.11", {
        username: "spammer2",
        email: "someone@Mail.SPAM.example",
      });
      assert.equal(sub.status, 422);
      assert.equal(sub.json.details.email[0].error, "ERR_BLOCKED");
      const page = await pageSignUp(server(), "192.0.2.11", {
        username: "spammer3",
        email: "another@deep.mail.spam.example",
      });
      assert.equal(page.status, 422);
      assert.match(page.text, /uses a disallowed e-mail provider/);
      for (const name of ["spammer1", "spammer2", "spammer3"])
        assert.equal(await accountState(server(), name), "absent");

      // A domain that merely ends in the same letters is another domain.
      const fine = await apiSignUp(server(), appOnly, "192.0.2.12", {
        username: "honest",
        email: "honest@notspam.example",
      });
      assert.equal(fine.status, 200, JSON.stringify(fine.json));

      const history = (await api(base(), "GET", `${PATH}/${blockId}`, { token: admin.token })).json
        .history;
      assert.equal(history[0].uses, "3", JSON.stringify(history));
      assert.equal(history[0].accounts, "2", "two distinct addresses tried");
      assert.equal(history[0].day, String(Math.floor(Date.now() / 86_400_000) * 86_400));
    });

    it("keeps refused attempts a week: older ones leave the history and are pruned", async () => {
      const { kysely } = server().kith.ctx.db;
      const attempts = await kysely
        .selectFrom("email_domain_block_attempts")
        .select("id")
        .execute();
      assert.equal(attempts.length, 3);
      await kysely
        .updateTable("email_domain_block_attempts")
        .set({ created_at: new Date(Date.now() - 3 * 86_400_000).toISOString() })
        .where("id", "=", attempts[0]!.id)
        .execute();
      await kysely
        .updateTable("email_domain_block_attempts")
        .set({ created_at: new Date(Date.now() - 9 * 86_400_000).toISOString() })
        .where("id", "=", attempts[1]!.id)
        .execute();
      const history = (await api(base(), "GET", `${PATH}/${blockId}`, { token: admin.token })).json
        .history as { uses: string }[];
      assert.deepEqual(
        history.map((h) => h.uses),
        ["1", "0", "0", "1", "0", "0", "0"],
      );
      assert.equal(await pruneEmailDomainBlockAttempts(server().kith.ctx), 1);
    });

    it("unblocks, records every change in the audit log, and sign-ups work again", async () => {
      const del = await api(base(), "DELETE", `${PATH}/${blockId}`, { token: admin.token });
      assert.equal(del.status, 200);
      assert.deepEqual(del.json, {});
      assert.equal(
        (await api(base(), "DELETE", `${PATH}/${blockId}`, { token: admin.token })).status,
        404,
      );
      const ok = await apiSignUp(server(), appOnly, "192.0.2.13", {
        username: "welcome",
        email: "welcome@spam.example",
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.json));

      assert.deepEqual(await auditTrail(base(), admin.token, "action=email_domain_block."), [
        ["email_domain_block.destroy", "spam.example", "boss"],
        ["email_domain_block.create", "spam.example", "boss"],
      ]);
    });
  });
});
