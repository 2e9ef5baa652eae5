// IP blocks over HTTP on both databases: the admin API (Mastodon's entity, checked against the
// OpenAPI schema's Admin::IpBlock; Manage Blocks), audit entries, and what each severity does
// to requests from IPv4 and IPv6 ranges: sign_up_block refuses sign-ups, sign_up_requires_-
// approval queues them, no_access refuses everything (API, sign-in, pages); expired blocks do
// nothing. Client addresses come in X-Forwarded-For, trusted from loopback as from a proxy.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { createInvite } from "../../src/domain/accounts/registration-invites.ts";
import { pruneExpiredIpBlocks } from "../../src/domain/moderation/ip-blocks.ts";
import { auditTrail } from "../helpers/audit.ts";
import { OPENAPI_SKIP_REASON, validateEntity } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { Browser, formWithAction } from "./oauth-forms.ts";
import { accountState, apiSignUp, appToken, pageSignUp } from "./sign-up-client.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];
const PATH = "/api/v1/admin/ip_blocks";

describe("IP blocks", { skip: OPENAPI_SKIP_REASON }, () => {
  eachServer("/api/v1/admin/ip_blocks", (server) => {
    let admin: TestUser;
    let mod: TestUser;
    let user: TestUser;
    let appOnly: string;
    const base = () => server().url;
    const block = async (body: Record<string, unknown>) => {
      const r = await api(base(), "POST", PATH, { token: admin.token, body });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      await validateEntity("AdminIpBlock", r.json);
      return r.json as { id: string; ip: string; severity: string; expires_at: string | null };
    };
    const from = (ip: string, path: string, token?: string) =>
      fetch(`${base()}${path}`, {
        headers: { "X-Forwarded-For": ip, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      });

    before(async () => {
      const ctx = server().kith.ctx;
      admin = await createUser(ctx, { username: "boss", role: "admin", scopes: STAFF_SCOPES });
      mod = await createUser(ctx, { username: "moddy", role: "moderator", scopes: STAFF_SCOPES });
      user = await createUser(ctx, { username: "plain", scopes: STAFF_SCOPES });
      appOnly = await appToken(server());
    });

    it("creates, shows, lists, changes and removes blocks, masked to their network", async () => {
      const created = await block({
        ip: "198.51.100.77/24",
        severity: "sign_up_block",
        comment: "spam wave",
      });
      assert.equal(created.ip, "198.51.100.0/24");
      assert.equal(created.expires_at, null);
      const v6 = await block({ ip: "2001:DB8:0:0::1", severity: "no_access", expires_in: 3600 });
      assert.equal(v6.ip, "2001:db8::1/128");
      assert.ok(Math.abs(Date.parse(v6.expires_at!) - Date.now() - 3600_000) < 60_000);

      const listed = await api(base(), "GET", PATH, { token: admin.token });
      assert.equal(listed.status, 200);
      for (const b of listed.json) await validateEntity("AdminIpBlock", b);
      assert.deepEqual(
        listed.json.map((b: { ip: string }) => b.ip),
        ["2001:db8::1/128", "198.51.100.0/24"],
      );
      const one = await api(base(), "GET", `${PATH}/${created.id}`, { token: admin.token });
      assert.equal(one.json.comment, "spam wave");

      const changed = await api(base(), "PUT", `${PATH}/${created.id}`, {
        token: admin.token,
        body: { severity: "sign_up_requires_approval", comment: "softer" },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.json));
      await validateEntity("AdminIpBlock", changed.json);
      assert.equal(changed.json.severity, "sign_up_requires_approval");
      assert.equal(changed.json.ip, "198.51.100.0/24");

      const clash = await api(base(), "PUT", `${PATH}/${created.id}`, {
        token: admin.token,
        body: { ip: "2001:db8::1" },
      });
      assert.equal(clash.status, 422, "another block has that range");
      const forever = await api(base(), "PUT", `${PATH}/${v6.id}`, {
        token: admin.token,
        body: { expires_in: null },
      });
      assert.equal(forever.json.expires_at, null);
      assert.equal(forever.json.severity, "no_access", "what is not given stays");

      for (const id of [created.id, v6.id]) {
        const del = await api(base(), "DELETE", `${PATH}/${id}`, { token: admin.token });
        assert.equal(del.status, 200);
        assert.deepEqual(del.json, {});
      }
      assert.equal(
        (await api(base(), "GET", `${PATH}/${v6.id}`, { token: admin.token })).status,
        404,
      );

      assert.deepEqual(await auditTrail(base(), admin.token, "action=ip_block."), [
        ["ip_block.destroy", "2001:db8::1/128", "boss"],
        ["ip_block.destroy", "198.51.100.0/24", "boss"],
        ["ip_block.update", "2001:db8::1/128", "boss"],
        ["ip_block.update", "198.51.100.0/24", "boss"],
        ["ip_block.create", "2001:db8::1/128", "boss"],
        ["ip_block.create", "198.51.100.0/24", "boss"],
      ]);
    });

    it("refuses bad input with 422 and a duplicate range too", async () => {
      const bad = [
        { ip: "300.1.1.1", severity: "no_access" },
        { ip: "10.0.0.0/33", severity: "no_access" },
        { ip: "example.com", severity: "no_access" },
        { severity: "no_access" },
        { ip: "10.0.0.1", severity: "block_everything" },
        { ip: "10.0.0.1" },
        { ip: "10.0.0.1", severity: "no_access", expires_in: -5 },
        { ip: "10.0.0.1", severity: "no_access", expires_in: "soon" },
      ];
      for (const body of bad) {
        const r = await api(base(), "POST", PATH, { token: admin.token, body });
        assert.equal(r.status, 422, `${JSON.stringify(body)}: ${JSON.stringify(r.json)}`);
        assert.equal(typeof r.json.error, "string");
      }
      const first = await block({ ip: "10.9.0.0/16", severity: "sign_up_block" });
      const again = await api(base(), "POST", PATH, {
        token: admin.token,
        body: { ip: "10.9.1.2/16", severity: "no_access" },
      });
      assert.equal(again.status, 422);
      assert.match(again.json.error, /already been taken/);
      await api(base(), "DELETE", `${PATH}/${first.id}`, { token: admin.token });
    });

    it("needs Manage Blocks: moderators and users get 403", async () => {
      for (const who of [mod, user]) {
        assert.equal((await api(base(), "GET", PATH, { token: who.token })).status, 403);
        const post = await api(base(), "POST", PATH, {
          token: who.token,
          body: { ip: "10.0.0.1", severity: "no_access" },
        });
        assert.equal(post.status, 403);
      }
      const narrow = await createUser(server().kith.ctx, {
        role: "admin",
        scopes: ["admin:read:ip_blocks"],
      });
      assert.equal((await api(base(), "GET", PATH, { token: narrow.token })).status, 200);
      const write = await api(base(), "POST", PATH, {
        token: narrow.token,
        body: { ip: "10.0.0.1", severity: "no_access" },
      });
      assert.equal(write.status, 403);
    });

    it("sign_up_block refuses sign-ups from the range, IPv4 and IPv6, API and page", async () => {
      const v4 = await block({ ip: "203.0.113.0/24", severity: "sign_up_block" });
      const v6 = await block({ ip: "2001:db8:beef::/48", severity: "sign_up_block" });
      for (const ip of ["203.0.113.50", "2001:db8:beef:1::9", "::ffff:203.0.113.51"]) {
        const r = await apiSignUp(server(), appOnly, ip, {
          username: `blocked${ip.length}`,
          email: `blocked${ip.length}@example.test`,
        });
        assert.equal(r.status, 403, `${ip}: ${JSON.stringify(r.json)}`);
        assert.match(r.json.error, /not allowed from your IP address/);
      }
      const page = await pageSignUp(server(), "2001:db8:beef::1", {
        username: "pageblocked",
        email: "pageblocked@example.test",
      });
      assert.equal(page.status, 403);
      assert.match(page.text, /not allowed from your IP address/);
      assert.equal(await accountState(server(), "pageblocked"), "absent");
      // Signing in and reading are not affected by a sign-up block.
      assert.equal((await from("203.0.113.50", "/api/v2/instance")).status, 200);
      // Next door is fine.
      const ok = await apiSignUp(server(), appOnly, "203.0.114.1", {
        username: "neighbour",
        email: "neighbour@example.test",
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.json));
      assert.equal(await accountState(server(), "neighbour"), "approved");
      for (const b of [v4, v6])
        await api(base(), "DELETE", `${PATH}/${b.id}`, { token: admin.token });
    });

    it("sign_up_requires_approval queues sign-ups from the range for review", async () => {
      const v4 = await block({ ip: "192.0.2.128/25", severity: "sign_up_requires_approval" });
      const v6 = await block({ ip: "2001:db8:cafe::/48", severity: "sign_up_requires_approval" });
      const r = await apiSignUp(server(), appOnly, "192.0.2.200", {
        username: "queued4",
        email: "queued4@example.test",
      });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(await accountState(server(), "queued4"), "pending");
      const page = await pageSignUp(server(), "2001:db8:cafe::7", {
        username: "queued6",
        email: "queued6@example.test",
      });
      assert.equal(page.status, 200);
      assert.match(page.text, /waiting for a moderator/);
      assert.equal(await accountState(server(), "queued6"), "pending");
      // As in Mastodon, a valid invite vouches for the newcomer.
      const { code } = await createInvite(server().kith.ctx, { maxUses: 1 });
      const invited = await apiSignUp(server(), appOnly, "192.0.2.201", {
        username: "invited4",
        email: "invited4@example.test",
        invite_code: code,
      });
      assert.equal(invited.status, 200, JSON.stringify(invited.json));
      assert.equal(await accountState(server(), "invited4"), "approved");
      const outside = await apiSignUp(server(), appOnly, "192.0.2.1", {
        username: "outside",
        email: "outside@example.test",
      });
      assert.equal(outside.status, 200);
      assert.equal(await accountState(server(), "outside"), "approved");
      for (const b of [v4, v6])
        await api(base(), "DELETE", `${PATH}/${b.id}`, { token: admin.token });
    });

    it("no_access refuses every request from the range: API, sign-in, pages", async () => {
      const v4 = await block({ ip: "100.64.0.0/10", severity: "no_access" });
      const v6 = await block({ ip: "2001:db8:dead::/48", severity: "no_access" });
      for (const ip of ["100.100.1.1", "2001:db8:dead::1"]) {
        const instance = await from(ip, "/api/v2/instance");
        assert.equal(instance.status, 403);
        assert.deepEqual(await instance.json(), {
          error: "Access from your IP address is blocked",
        });
        // Even with a valid token, and on pages.
        assert.equal(
          (await from(ip, "/api/v1/accounts/verify_credentials", user.token)).status,
          403,
        );
        assert.equal((await from(ip, "/auth/sign_in")).status, 403);
        assert.equal((await from(ip, "/about")).status, 403);
        const token = await fetch(`${base()}/oauth/token`, {
          method: "POST",
          headers: { "X-Forwarded-For": ip, "Content-Type": "application/x-www-form-urlencoded" },
          body: "grant_type=client_credentials&client_id=x&client_secret=y",
        });
        assert.equal(token.status, 403);
      }
      // The sign-in form, fetched elsewhere, cannot be sent from the blocked range.
      const browser = new Browser(base());
      const form = formWithAction((await browser.get("/auth/sign_in")).text, "/auth/sign_in");
      browser.headers = { "X-Forwarded-For": "100.64.0.1" };
      const signIn = await browser.submit(form, {
        email: `${user.username}@example.test`,
        password: "correct horse battery staple",
      });
      assert.equal(signIn.status, 403);
      browser.headers = { "X-Forwarded-For": "100.128.0.1" };
      const allowed = await browser.submit(form, {
        email: `${user.username}@example.test`,
        password: "correct horse battery staple",
      });
      assert.equal(allowed.status, 303, "outside the range, signing in works");
      assert.equal((await from("2001:db8:deaf::1", "/api/v2/instance")).status, 200);

      // Removing the block lets the range back in at once.
      for (const b of [v4, v6])
        await api(base(), "DELETE", `${PATH}/${b.id}`, { token: admin.token });
      assert.equal((await from("100.100.1.1", "/api/v2/instance")).status, 200);
    });

    it("an expired block does nothing, and the upkeep drops it", async () => {
      const shortLived = await block({ ip: "198.18.0.0/15", severity: "no_access", expires_in: 1 });
      assert.equal((await from("198.18.3.4", "/api/v2/instance")).status, 403);
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal((await from("198.18.3.4", "/api/v2/instance")).status, 200);
      const listed = await api(base(), "GET", PATH, { token: admin.token });
      assert.ok(!listed.json.some((b: { id: string }) => b.id === shortLived.id));
      assert.equal(
        (await api(base(), "GET", `${PATH}/${shortLived.id}`, { token: admin.token })).status,
        404,
      );
      assert.equal(await pruneExpiredIpBlocks(server().kith.ctx), 1);
      // The same range can be blocked again.
      const again = await block({ ip: "198.18.0.0/15", severity: "sign_up_block" });
      await api(base(), "DELETE", `${PATH}/${again.id}`, { token: admin.token });
    });
  });
});
