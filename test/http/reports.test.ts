// Reports over HTTP on both databases, through masto.js as client apps file and handle them: a
// user reports an account with statuses, a category and rules; moderators are notified and
// work the queue (filters, Link paging, assign, resolve, reopen, reclassify); reported statuses
// stay as they were when reported; only staff with admin scopes get in; bad input is refused.
// Entities are checked against the Mastodon OpenAPI schema.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { createRestAPIClient } from "masto";
import { addServerRule } from "../../src/domain/server-rules.ts";
import { OPENAPI_SKIP_REASON, validateEntity, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];

describe("reports", { skip: OPENAPI_SKIP_REASON }, () => {
  eachServer("reports API", (server) => {
    let alice: TestUser;
    let bob: TestUser;
    let carol: TestUser;
    let mod: TestUser;
    let admin: TestUser;
    let ruleId: string;
    const base = () => server().url;
    const ctx = () => server().kith.ctx;
    const client = (user: TestUser) =>
      createRestAPIClient({ url: base(), accessToken: user.token });
    const post = async (user: TestUser, status: string, visibility = "public") => {
      const r = await api(base(), "POST", "/api/v1/statuses", {
        token: user.token,
        body: { status, visibility },
      });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r.json as { id: string };
    };
    const report = (user: TestUser, body: Record<string, unknown>) =>
      api(base(), "POST", "/api/v1/reports", { token: user.token, body });
    const adminReports = (user: TestUser, query = "") =>
      api(base(), "GET", `/api/v1/admin/reports${query}`, { token: user.token });
    const reportNotifications = async (user: TestUser) => {
      const r = await api(base(), "GET", "/api/v1/notifications?types[]=admin.report", {
        token: user.token,
      });
      assert.equal(r.status, 200);
      await validateResponse("GET", "/api/v1/notifications", r.status, r.json);
      return r.json as { type: string; account: { id: string }; report: { id: string } }[];
    };

    before(async () => {
      alice = await createUser(ctx(), { username: "alice" });
      bob = await createUser(ctx(), { username: "bob" });
      carol = await createUser(ctx(), { username: "carol" });
      mod = await createUser(ctx(), {
        username: "moddy",
        role: "moderator",
        scopes: STAFF_SCOPES,
      });
      admin = await createUser(ctx(), { username: "boss", role: "admin", scopes: STAFF_SCOPES });
      ruleId = (await addServerRule(ctx(), { text: "No spam" })).id;
    });

    it("files a report with statuses and rules and answers with the Report entity", async () => {
      const one = await post(bob, "buy my stuff");
      const two = await post(bob, "buy it now", "unlisted");
      const filed = await client(alice).v1.reports.create({
        accountId: bob.accountId,
        statusIds: [one.id, two.id],
        comment: "Spamming everyone",
        category: "other",
        ruleIds: [ruleId],
      });
      assert.equal(filed.category, "violation", "citing rules makes it a violation");
      assert.deepEqual(filed.ruleIds, [ruleId]);
      assert.deepEqual(filed.statusIds, [one.id, two.id]);
      assert.equal(filed.comment, "Spamming everyone");
      assert.equal(filed.actionTaken, false);
      assert.equal(filed.forwarded, false);
      assert.equal(filed.targetAccount.id, bob.accountId);

      const raw = await report(alice, { account_id: bob.accountId, category: "spam" });
      assert.equal(raw.status, 200, JSON.stringify(raw.json));
      await validateResponse("POST", "/api/v1/reports", raw.status, raw.json);
      assert.equal(raw.json.category, "spam");
      assert.equal(raw.json.rule_ids, null);
      assert.deepEqual(raw.json.status_ids, []);
    });

    it("tells moderators and admins, not users, once per account until resolved", async () => {
      const dave = await createUser(ctx(), { username: "dave" });
      const before = (await reportNotifications(mod)).length;
      const first = await client(alice).v1.reports.create({ accountId: dave.accountId });
      const modSees = await reportNotifications(mod);
      assert.equal(modSees.length, before + 1);
      assert.equal(modSees[0]!.report.id, first.id);
      assert.equal(modSees[0]!.account.id, alice.accountId, "from the reporter");
      assert.equal((await reportNotifications(admin))[0]!.report.id, first.id);
      assert.equal((await reportNotifications(carol)).length, 0);

      // As Mastodon: while a report about dave is open, another one adds no notification.
      const second = await client(carol).v1.reports.create({ accountId: dave.accountId });
      assert.equal((await reportNotifications(mod)).length, before + 1);
      await client(mod).v1.admin.reports.$select(first.id).resolve();
      await client(carol).v1.reports.create({ accountId: dave.accountId });
      assert.equal((await reportNotifications(mod)).length, before + 1, "the second is open");
      for (const r of await client(mod).v1.admin.reports.list({ targetAccountId: dave.accountId }))
        await client(mod).v1.admin.reports.$select(r.id).resolve();
      const later = await client(carol).v1.reports.create({ accountId: dave.accountId });
      const afterResolve = await reportNotifications(mod);
      assert.equal(afterResolve.length, before + 2);
      assert.equal(afterResolve[0]!.report.id, later.id);
      assert.notEqual(later.id, second.id);
    });

    it("lets moderators work the queue: filters, paging, assign, resolve, reopen, reclassify", async () => {
      const erin = await createUser(ctx(), { username: "erin" });
      const ids: string[] = [];
      for (const user of [alice, carol, alice]) {
        const r = await client(user).v1.reports.create({ accountId: erin.accountId });
        ids.push(r.id);
      }
      const moderator = client(mod).v1.admin.reports;
      const byTarget = await moderator.list({ targetAccountId: erin.accountId });
      assert.deepEqual(
        byTarget.map((r) => r.id),
        [...ids].reverse(),
      );
      const byReporter = await moderator.list({
        targetAccountId: erin.accountId,
        accountId: carol.accountId,
      });
      assert.deepEqual(
        byReporter.map((r) => r.id),
        [ids[1]],
      );

      const page = await adminReports(mod, `?target_account_id=${erin.accountId}&limit=2`);
      assert.equal(page.status, 200);
      assert.deepEqual(
        page.json.map((r: { id: string }) => r.id),
        [ids[2], ids[1]],
      );
      for (const r of page.json) await validateEntity("AdminReport", r);
      const next = /<([^>]+)>; rel="next"/.exec(page.headers.get("Link") ?? "")?.[1];
      assert.ok(next, "a full page links to the next");
      const rest = await api(next, "GET", "", { token: mod.token });
      assert.deepEqual(
        rest.json.map((r: { id: string }) => r.id),
        [ids[0]],
      );

      const id = ids[0]!;
      const assigned = await moderator.$select(id).assignToSelf();
      assert.equal(assigned.assignedAccount?.id, mod.accountId);
      assert.equal((await moderator.$select(id).unassign()).assignedAccount, null);
      const resolved = await moderator.$select(id).resolve();
      assert.equal(resolved.actionTaken, true);
      assert.ok(resolved.actionTakenAt);
      assert.equal(resolved.actionTakenByAccount?.id, mod.accountId);
      const open = await moderator.list({ targetAccountId: erin.accountId });
      assert.ok(!open.some((r) => r.id === id), "resolved reports leave the default list");
      const done = await moderator.list({ targetAccountId: erin.accountId, resolved: true });
      assert.deepEqual(
        done.map((r) => r.id),
        [id],
      );
      const reopened = await moderator.$select(id).reopen();
      assert.equal(reopened.actionTaken, false);
      assert.equal(reopened.actionTakenByAccount, null);

      const put = await api(base(), "PUT", `/api/v1/admin/reports/${id}`, {
        token: admin.token,
        body: { rule_ids: [ruleId] },
      });
      assert.equal(put.status, 200, JSON.stringify(put.json));
      await validateEntity("AdminReport", put.json);
      assert.equal(put.json.category, "violation");
      assert.deepEqual(
        put.json.rules.map((r: { id: string }) => r.id),
        [ruleId],
      );
      const spam = await api(base(), "PUT", `/api/v1/admin/reports/${id}`, {
        token: admin.token,
        body: { category: "spam" },
      });
      assert.equal(spam.json.category, "spam");
      assert.deepEqual(spam.json.rules, [], "rules only go with violations");

      const shown = await api(base(), "GET", `/api/v1/admin/reports/${id}`, { token: mod.token });
      assert.equal(shown.status, 200);
      await validateEntity("AdminReport", shown.json);
      assert.equal(shown.json.account.id, alice.accountId);
      assert.equal(shown.json.account.email, "alice@example.test");
      assert.equal(shown.json.target_account.account.id, erin.accountId);
      assert.equal(shown.json.updated_at >= shown.json.created_at, true);
    });

    it("keeps the reported statuses as they were when reported", async () => {
      const frank = await createUser(ctx(), { username: "frank" });
      const status = await post(frank, "something awful");
      const filed = await client(alice).v1.reports.create({
        accountId: frank.accountId,
        statusIds: [status.id],
      });
      const gone = await api(base(), "DELETE", `/api/v1/statuses/${status.id}`, {
        token: frank.token,
      });
      assert.equal(gone.status, 200);
      const shown = await client(mod).v1.admin.reports.$select(filed.id).fetch();
      assert.equal(shown.statuses.length, 1);
      assert.equal(shown.statuses[0]!.id, status.id);
      assert.match(shown.statuses[0]!.content, /something awful/);
      assert.equal(shown.statuses[0]!.account.id, frank.accountId);
      await validateEntity(
        "AdminReport",
        (await adminReports(mod, `?target_account_id=${frank.accountId}`)).json[0],
      );
    });

    it("lets only staff with admin scopes into the queue", async () => {
      const withAdminScopes = await createUser(ctx(), { scopes: STAFF_SCOPES });
      const filed = await client(alice).v1.reports.create({ accountId: carol.accountId });
      const paths: [string, string][] = [
        ["GET", "/api/v1/admin/reports"],
        ["GET", `/api/v1/admin/reports/${filed.id}`],
        ["PUT", `/api/v1/admin/reports/${filed.id}`],
        ["POST", `/api/v1/admin/reports/${filed.id}/assign_to_self`],
        ["POST", `/api/v1/admin/reports/${filed.id}/unassign`],
        ["POST", `/api/v1/admin/reports/${filed.id}/resolve`],
        ["POST", `/api/v1/admin/reports/${filed.id}/reopen`],
      ];
      const moderatorWithoutAdminScopes = await createUser(ctx(), { role: "moderator" });
      for (const [method, path] of paths) {
        for (const user of [alice, withAdminScopes, moderatorWithoutAdminScopes]) {
          const body = method === "GET" ? undefined : {};
          const r = await api(base(), method, path, { token: user.token, body });
          assert.equal(r.status, 403, `${method} ${path}`);
          assert.equal(typeof r.json.error, "string");
        }
        assert.equal((await api(base(), method, path)).status, 401);
      }
      await assert.rejects(async () => client(alice).v1.admin.reports.list(), /outside/);
      await assert.rejects(
        async () => client(withAdminScopes).v1.admin.reports.list(),
        /not allowed/,
      );
      assert.equal((await client(mod).v1.admin.reports.$select(filed.id).fetch()).id, filed.id);
    });

    it("refuses bad reports with a clear error", async () => {
      const theirs = await post(carol, "carol's own post");
      const hidden = await post(bob, "for followers only", "private");
      const shown = await post(bob, "a public post");
      const cases: [Record<string, unknown>, number, RegExp][] = [
        [{ account_id: bob.accountId, rule_ids: ["999999999999999999"] }, 422, /rules/],
        [{ account_id: bob.accountId, category: "violation" }, 422, /rules/],
        [{ account_id: bob.accountId, category: "rude" }, 422, /category/],
        [{ account_id: bob.accountId, status_ids: [theirs.id] }, 422, /Statuses/],
        [{ account_id: bob.accountId, status_ids: [hidden.id] }, 422, /Statuses/],
        [{ account_id: bob.accountId, status_ids: ["123456789012345678"] }, 422, /Statuses/],
        [{ account_id: bob.accountId, comment: "x".repeat(1001) }, 422, /too long/],
        [{ account_id: "999999999999999999" }, 404, /not found/],
        [{ account_id: "not-an-id" }, 422, /account_id/],
        [{}, 422, /account_id/],
      ];
      const before = (await adminReports(mod, `?target_account_id=${bob.accountId}`)).json.length;
      for (const [body, status, message] of cases) {
        const r = await report(alice, body);
        assert.equal(r.status, status, JSON.stringify({ body, got: r.json }));
        assert.match(r.json.error, message);
      }
      const after = (await adminReports(mod, `?target_account_id=${bob.accountId}`)).json.length;
      assert.equal(after, before, "nothing was stored");
      const ok = await report(alice, {
        account_id: bob.accountId,
        status_ids: [shown.id],
        comment: "y".repeat(1000),
      });
      assert.equal(ok.status, 200, "1000 characters are allowed");

      const readOnly = await createUser(ctx(), { scopes: ["read"] });
      assert.equal((await report(readOnly, { account_id: bob.accountId })).status, 403);
      assert.equal(
        (await api(base(), "GET", "/api/v1/admin/reports/999999999999999999", { token: mod.token }))
          .status,
        404,
      );
      const badRule = await api(base(), "PUT", `/api/v1/admin/reports/${ok.json.id}`, {
        token: mod.token,
        body: { category: "violation", rule_ids: ["1"] },
      });
      assert.equal(badRule.status, 422);
      assert.match(badRule.json.error, /rules/);
    });
  });
});
