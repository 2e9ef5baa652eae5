// The audit log over HTTP on both databases: moderator actions on reports are recorded in the
// same transaction with who, what and when; admins and moderators (view_audit_log) read it
// with filters and Link paging; users and tokens without admin scopes are refused.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];

interface Entry {
  id: string;
  action: string;
  target_type: string;
  target_id: string;
  actor: string;
  account: { id: string } | null;
  detail: Record<string, unknown>;
  created_at: string;
}

describe("audit log", () => {
  eachServer("GET /api/v1/admin/audit_log", (server) => {
    let alice: TestUser;
    let bob: TestUser;
    let mod: TestUser;
    let admin: TestUser;
    let reportId: string;
    const base = () => server().url;
    const ctx = () => server().kith.ctx;
    const audit = (user: TestUser, query = "") =>
      api(base(), "GET", `/api/v1/admin/audit_log${query}`, { token: user.token });

    before(async () => {
      alice = await createUser(ctx(), { username: "alice" });
      bob = await createUser(ctx(), { username: "bob" });
      mod = await createUser(ctx(), { username: "moddy", role: "moderator", scopes: STAFF_SCOPES });
      admin = await createUser(ctx(), { username: "boss", role: "admin", scopes: STAFF_SCOPES });
      const filed = await api(base(), "POST", "/api/v1/reports", {
        token: alice.token,
        body: { account_id: bob.accountId, comment: "spam" },
      });
      assert.equal(filed.status, 200);
      reportId = filed.json.id;
    });

    it("records each report action with who did it, in order", async () => {
      for (const action of ["assign_to_self", "resolve", "reopen"]) {
        const r = await api(base(), "POST", `/api/v1/admin/reports/${reportId}/${action}`, {
          token: mod.token,
        });
        assert.equal(r.status, 200, JSON.stringify(r.json));
      }
      const r = await audit(admin);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const entries = r.json as Entry[];
      assert.deepEqual(
        entries.map((e) => e.action),
        ["report.reopen", "report.resolve", "report.assign"],
      );
      for (const e of entries) {
        assert.equal(e.target_type, "report");
        assert.equal(e.target_id, reportId);
        assert.equal(e.account?.id, mod.accountId);
        assert.equal(e.actor, "moddy");
        assert.ok(!Number.isNaN(Date.parse(e.created_at)));
      }
      assert.equal(entries[2]!.detail.assigned_account_id, mod.accountId);
    });

    it("filters by action prefix, actor and target, and pages with Link", async () => {
      const resolved = await audit(admin, "?action=report.resolve");
      assert.deepEqual(
        (resolved.json as Entry[]).map((e) => e.action),
        ["report.resolve"],
      );
      assert.equal(((await audit(admin, "?action=report.")).json as Entry[]).length, 3);
      assert.equal(((await audit(admin, "?action=account.")).json as Entry[]).length, 0);
      assert.equal(
        ((await audit(admin, `?account_id=${admin.accountId}`)).json as Entry[]).length,
        0,
      );
      assert.equal(((await audit(admin, `?target_id=${reportId}`)).json as Entry[]).length, 3);

      const first = await audit(mod, "?limit=2");
      assert.equal(first.status, 200, "moderators may read the audit log");
      assert.equal((first.json as Entry[]).length, 2);
      const next = /<([^>]+)>; rel="next"/.exec(first.headers.get("link") ?? "")?.[1];
      assert.ok(next, "a next link");
      const rest = await api(base(), "GET", new URL(next).pathname + new URL(next).search, {
        token: mod.token,
      });
      assert.deepEqual(
        (rest.json as Entry[]).map((e) => e.action),
        ["report.assign"],
      );
    });

    it("refuses users, and tokens without admin scopes", async () => {
      const user = await audit(alice);
      assert.equal(user.status, 403);
      assert.equal(typeof user.json.error, "string");
      const noScope = await createUser(ctx(), { username: "staffnoscope", role: "admin" });
      assert.equal((await audit(noScope)).status, 403);
      const bad = await audit(admin, "?limit=nope");
      assert.ok(bad.status < 500, "bad input is never a 500");
    });
  });
});
