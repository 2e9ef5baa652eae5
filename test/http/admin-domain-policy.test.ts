// The federation policy over HTTP on both databases: admins create, read, change and remove
// domain blocks and allows (moderators, users and tokens without the admin scopes get 403);
// every change is in the audit log; a block marks the domain's known accounts (subdomains too)
// and lifting it clears only its own marks; the public list obfuscates as Mastodon does and
// follows KITH_SHOW_DOMAIN_BLOCKS; the about page shows it with its reasons.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, describe, it } from "node:test";
import { insertRemoteAccount } from "../helpers/accounts.ts";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];

async function check(path: string, body: unknown) {
  if (OPENAPI_SKIP_REASON) return;
  await validateResponse("GET", path, 200, body);
}

describe("admin domain blocks and allows", () => {
  eachServer("federation policy API", (server) => {
    let admin: TestUser;
    let mod: TestUser;
    let user: TestUser;
    const base = () => server().url;
    const ctx = () => server().kith.ctx;
    const account = (id: string) =>
      ctx()
        .db.kysely.selectFrom("accounts")
        .select(["suspended_at", "silenced_at"])
        .where("id", "=", id)
        .executeTakeFirstOrThrow();

    before(async () => {
      admin = await createUser(ctx(), { username: "boss", role: "admin", scopes: STAFF_SCOPES });
      mod = await createUser(ctx(), { username: "moddy", role: "moderator", scopes: STAFF_SCOPES });
      user = await createUser(ctx(), { username: "plain" });
    });

    it("creates, reads, lists, changes and deletes blocks, each audited", async () => {
      const created = await api(base(), "POST", "/api/v1/admin/domain_blocks", {
        token: admin.token,
        body: {
          domain: "Spam.Example",
          severity: "suspend",
          reject_media: true,
          private_comment: "for the team",
          public_comment: "spam",
          obfuscate: true,
        },
      });
      assert.equal(created.status, 200, JSON.stringify(created.json));
      const block = created.json;
      assert.equal(block.domain, "spam.example");
      assert.equal(block.digest, createHash("sha256").update("spam.example").digest("hex"));
      assert.equal(block.severity, "suspend");
      assert.equal(block.reject_media, true);
      assert.equal(block.reject_reports, false);
      assert.equal(block.private_comment, "for the team");
      assert.equal(block.public_comment, "spam");
      assert.equal(block.obfuscate, true);
      assert.ok(!Number.isNaN(Date.parse(block.created_at)));

      // A domain covered already (itself or a parent) is a 422 carrying the existing block.
      const again = await api(base(), "POST", "/api/v1/admin/domain_blocks", {
        token: admin.token,
        body: { domain: "sub.spam.example" },
      });
      assert.equal(again.status, 422);
      assert.equal(typeof again.json.error, "string");
      assert.equal(again.json.id, block.id);
      const stricter = await api(base(), "POST", "/api/v1/admin/domain_blocks", {
        token: admin.token,
        body: { domain: "eu.loose.example", severity: "suspend" },
      });
      assert.equal(stricter.status, 200, "no parent block: fine");
      const parent = await api(base(), "POST", "/api/v1/admin/domain_blocks", {
        token: admin.token,
        body: { domain: "loose.example", severity: "silence" },
      });
      assert.equal(parent.status, 200, "a parent less strict than its subdomain's block is fine");
      const laxer = await api(base(), "POST", "/api/v1/admin/domain_blocks", {
        token: admin.token,
        body: { domain: "us.loose.example", severity: "noop" },
      });
      assert.equal(laxer.status, 422, "under a silence, a noop is not stricter");
      const stricterUnder = await api(base(), "POST", "/api/v1/admin/domain_blocks", {
        token: admin.token,
        body: { domain: "us.loose.example", severity: "suspend" },
      });
      assert.equal(stricterUnder.status, 200, "under a silence, a suspension is stricter");
      for (const r of [stricter, parent, stricterUnder])
        await api(base(), "DELETE", `/api/v1/admin/domain_blocks/${r.json.id}`, {
          token: admin.token,
        });
      const bad = await api(base(), "POST", "/api/v1/admin/domain_blocks", {
        token: admin.token,
        body: { domain: "not a domain", severity: "silence" },
      });
      assert.equal(bad.status, 422);
      const badSeverity = await api(base(), "POST", "/api/v1/admin/domain_blocks", {
        token: admin.token,
        body: { domain: "ok.example", severity: "banish" },
      });
      assert.equal(badSeverity.status, 422);
      const own = await api(base(), "POST", "/api/v1/admin/domain_blocks", {
        token: admin.token,
        body: { domain: server().kith.ctx.config.domain },
      });
      assert.equal(own.status, 422, "never this server's own domain");

      const one = await api(base(), "GET", `/api/v1/admin/domain_blocks/${block.id}`, {
        token: admin.token,
      });
      assert.deepEqual(one.json, block);
      const listed = await api(base(), "GET", "/api/v1/admin/domain_blocks", {
        token: admin.token,
      });
      assert.deepEqual(
        listed.json.map((b: { domain: string }) => b.domain),
        ["spam.example"],
      );

      const changed = await api(base(), "PUT", `/api/v1/admin/domain_blocks/${block.id}`, {
        token: admin.token,
        body: { severity: "silence", reject_reports: true, public_comment: "" },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.json));
      assert.equal(changed.json.severity, "silence");
      assert.equal(changed.json.reject_reports, true);
      assert.equal(changed.json.reject_media, true, "what is not given stays");
      assert.equal(changed.json.public_comment, null);
      assert.equal(changed.json.domain, "spam.example");

      const gone = await api(base(), "DELETE", `/api/v1/admin/domain_blocks/${block.id}`, {
        token: admin.token,
      });
      assert.equal(gone.status, 200);
      const missing = await api(base(), "GET", `/api/v1/admin/domain_blocks/${block.id}`, {
        token: admin.token,
      });
      assert.equal(missing.status, 404);

      const log = await api(
        base(),
        "GET",
        `/api/v1/admin/audit_log?action=domain_block.&target_id=${block.id}`,
        { token: admin.token },
      );
      assert.deepEqual(
        log.json.map((e: { action: string }) => e.action),
        ["domain_block.destroy", "domain_block.update", "domain_block.create"],
      );
      for (const e of log.json) {
        assert.equal(e.target_id, block.id);
        assert.equal(e.target_label, "spam.example");
        assert.equal(e.account?.id, admin.accountId);
      }
      assert.equal(log.json[1].detail.severity, "silence");
    });

    it("creates, reads, lists and deletes allows, each audited", async () => {
      const created = await api(base(), "POST", "/api/v1/admin/domain_allows", {
        token: admin.token,
        body: { domain: "friends.example" },
      });
      assert.equal(created.status, 200, JSON.stringify(created.json));
      assert.equal(created.json.domain, "friends.example");
      const twice = await api(base(), "POST", "/api/v1/admin/domain_allows", {
        token: admin.token,
        body: { domain: "friends.example" },
      });
      assert.equal(twice.json.id, created.json.id, "allowing again gives the same allow");
      const one = await api(base(), "GET", `/api/v1/admin/domain_allows/${created.json.id}`, {
        token: admin.token,
      });
      assert.deepEqual(one.json, created.json);
      const listed = await api(base(), "GET", "/api/v1/admin/domain_allows", {
        token: admin.token,
      });
      assert.equal(listed.json.length, 1);
      const gone = await api(base(), "DELETE", `/api/v1/admin/domain_allows/${created.json.id}`, {
        token: admin.token,
      });
      assert.equal(gone.status, 200);
      assert.equal(
        (await api(base(), "GET", "/api/v1/admin/domain_allows", { token: admin.token })).json
          .length,
        0,
      );
      const log = await api(base(), "GET", "/api/v1/admin/audit_log?action=domain_allow.", {
        token: admin.token,
      });
      assert.deepEqual(
        log.json.map((e: { action: string }) => e.action),
        ["domain_allow.destroy", "domain_allow.create"],
      );
    });

    it("refuses moderators, users and tokens without the admin scopes", async () => {
      const noScope = await createUser(ctx(), { username: "bossnoscope", role: "admin" });
      for (const who of [mod, user, noScope]) {
        for (const [method, path, body] of [
          ["GET", "/api/v1/admin/domain_blocks", undefined],
          ["POST", "/api/v1/admin/domain_blocks", { domain: "x.example" }],
          ["GET", "/api/v1/admin/domain_allows", undefined],
          ["POST", "/api/v1/admin/domain_allows", { domain: "x.example" }],
        ] as const) {
          const r = await api(base(), method, path, { token: who.token, body });
          assert.equal(r.status, 403, `${who.username} ${method} ${path}`);
          assert.equal(typeof r.json.error, "string");
        }
      }
      assert.equal((await api(base(), "GET", "/api/v1/admin/domain_blocks")).status, 401);
      const blocks = await api(base(), "GET", "/api/v1/admin/domain_blocks", {
        token: admin.token,
      });
      assert.equal(blocks.json.length, 0, "nothing was created by the refused requests");
    });

    it("marks the domain's accounts (subdomains too) and lifting clears only its marks", async () => {
      const db = ctx().db;
      const plain = await insertRemoteAccount(db, { username: "a", domain: "marks.example" });
      const sub = await insertRemoteAccount(db, { username: "b", domain: "eu.marks.example" });
      const other = await insertRemoteAccount(db, { username: "c", domain: "notmarks.example" });
      const byHand = await insertRemoteAccount(db, { username: "d", domain: "marks.example" });
      const earlier = "2020-01-01T00:00:00.000Z";
      await db.kysely
        .updateTable("accounts")
        .set({ suspended_at: earlier })
        .where("id", "=", byHand)
        .execute();

      const created = await api(base(), "POST", "/api/v1/admin/domain_blocks", {
        token: admin.token,
        body: { domain: "marks.example", severity: "silence" },
      });
      assert.equal(created.status, 200);
      assert.ok((await account(plain)).silenced_at);
      assert.ok((await account(sub)).silenced_at);
      assert.equal((await account(other)).silenced_at, null);
      const id = created.json.id;
      await api(base(), "PUT", `/api/v1/admin/domain_blocks/${id}`, {
        token: admin.token,
        body: { severity: "suspend" },
      });
      assert.equal((await account(plain)).silenced_at, null, "the silence went with it");
      assert.ok((await account(plain)).suspended_at);
      assert.ok((await account(sub)).suspended_at);
      assert.equal((await account(byHand)).suspended_at, earlier);
      const account404 = await api(base(), "GET", `/api/v1/accounts/${plain}`, {
        token: user.token,
      });
      assert.ok(account404.status === 404 || account404.json.suspended === true);

      await api(base(), "DELETE", `/api/v1/admin/domain_blocks/${id}`, { token: admin.token });
      assert.equal((await account(plain)).suspended_at, null);
      assert.equal((await account(sub)).suspended_at, null);
      assert.equal((await account(byHand)).suspended_at, earlier, "suspended by hand: stays");
    });

    it("leaves blocked servers out of the peers list", async () => {
      await insertRemoteAccount(ctx().db, { username: "p", domain: "peer-ok.example" });
      await insertRemoteAccount(ctx().db, { username: "p", domain: "peer-bad.example" });
      const peers = async () =>
        (await api(base(), "GET", "/api/v1/instance/peers")).json as string[];
      assert.ok((await peers()).includes("peer-bad.example"));
      const r = await api(base(), "POST", "/api/v1/admin/domain_blocks", {
        token: admin.token,
        body: { domain: "peer-bad.example", severity: "noop", reject_media: true },
      });
      assert.equal(r.status, 200);
      assert.ok((await peers()).includes("peer-ok.example"));
      assert.ok(!(await peers()).includes("peer-bad.example"));
      await api(base(), "DELETE", `/api/v1/admin/domain_blocks/${r.json.id}`, {
        token: admin.token,
      });
    });

    it("lists blocks publicly, obfuscated as Mastodon does, and on the about page", async () => {
      for (const body of [
        { domain: "daji.example.com", severity: "suspend", obfuscate: true, public_comment: "bad" },
        { domain: "loud.example", severity: "silence", public_comment: "too loud" },
        { domain: "quiet.example", severity: "noop", reject_reports: true },
        { domain: "pics.example", severity: "noop", reject_media: true },
      ])
        assert.equal(
          (await api(base(), "POST", "/api/v1/admin/domain_blocks", { token: admin.token, body }))
            .status,
          200,
        );
      const r = await api(base(), "GET", "/api/v1/instance/domain_blocks");
      assert.equal(r.status, 200);
      await check("/api/v1/instance/domain_blocks", r.json);
      const digest = (d: string) => createHash("sha256").update(d).digest("hex");
      // length 16, a quarter is 4: characters 5..11 that are not dots are starred.
      assert.deepEqual(
        r.json,
        [
          {
            domain: "daji.*******.com",
            digest: digest("daji.example.com"),
            severity: "suspend",
            comment: "bad",
          },
          {
            domain: "loud.example",
            digest: digest("loud.example"),
            severity: "silence",
            comment: "too loud",
          },
        ],
        "noop blocks are not listed (Mastodon's with_user_facing_limitations)",
      );
      const page = await fetch(`${base()}/about`);
      const text = await page.text();
      assert.match(text, /daji\.\*+\.com/);
      assert.match(text, /too loud/);
      assert.doesNotMatch(text, /daji\.example\.com/, "the obfuscated name is not given away");
    });
  });

  eachServer(
    "public list for signed-in users only",
    (server) => {
      it("answers 404 to anonymous visitors and the list to users", async () => {
        const user = await createUser(server().kith.ctx, { username: "reader" });
        assert.equal(
          (await api(server().url, "GET", "/api/v1/instance/domain_blocks")).status,
          404,
        );
        const r = await api(server().url, "GET", "/api/v1/instance/domain_blocks", {
          token: user.token,
        });
        assert.equal(r.status, 200);
        assert.deepEqual(r.json, []);
      });
    },
    { env: { KITH_SHOW_DOMAIN_BLOCKS: "users" } },
  );
});
