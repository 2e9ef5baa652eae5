// The admin accounts API on both databases: v1 and v2 lists with their filters and Link paging,
// one account as the Admin::Account entity, every action and its undoing with an audit entry,
// sign-up approval and rejection, the purge of a suspended account, and who may do what
// (users and tokens without admin scopes are refused; moderators cannot act on admins, nor
// admins on admins; only admins may delete data).
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { insertRemoteAccount } from "../helpers/accounts.ts";
import { OPENAPI_SKIP_REASON, validateEntity } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];

interface AdminAccount {
  id: string;
  username: string;
  domain: string | null;
  email: string | null;
  approved: boolean;
  disabled: boolean;
  silenced: boolean;
  suspended: boolean;
  sensitized: boolean;
  role: { id: string; name: string };
  account: { id: string; display_name: string; suspended?: boolean; limited?: boolean };
}

describe("admin accounts API", () => {
  eachServer("/api/v1|v2/admin/accounts", (server) => {
    let alice: TestUser;
    let bob: TestUser;
    let carol: TestUser;
    let mod: TestUser;
    let admin: TestUser;
    let admin2: TestUser;
    let remoteId: string;
    let otherRemoteId: string;
    const base = () => server().url;
    const ctx = () => server().kith.ctx;
    const get = (user: TestUser, path: string) => api(base(), "GET", path, { token: user.token });
    const post = (user: TestUser, path: string, body?: unknown) =>
      api(base(), "POST", path, { token: user.token, body: body ?? {} });
    const ids = (r: { json: AdminAccount[] }) => r.json.map((a) => a.id).sort();
    const audit = async (targetId: string) => {
      const r = await get(admin, `/api/v1/admin/audit_log?target_id=${targetId}`);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return (r.json as { action: string; account: { id: string } | null }[]).map((e) => e.action);
    };
    const pending = async (username: string) => {
      const user = await createUser(ctx(), { username });
      await ctx()
        .db.kysely.updateTable("users")
        .set({ approved: 0 })
        .where("account_id", "=", user.accountId)
        .execute();
      return user;
    };

    before(async () => {
      alice = await createUser(ctx(), { username: "alice" });
      bob = await createUser(ctx(), { username: "bob" });
      mod = await createUser(ctx(), { username: "moddy", role: "moderator", scopes: STAFF_SCOPES });
      admin = await createUser(ctx(), { username: "boss", role: "admin", scopes: STAFF_SCOPES });
      admin2 = await createUser(ctx(), { username: "boss2", role: "admin", scopes: STAFF_SCOPES });
      carol = await pending("carol");
      await ctx()
        .db.kysely.updateTable("accounts")
        .set({ display_name: "Alice Liddell" })
        .where("id", "=", alice.accountId)
        .execute();
      remoteId = await insertRemoteAccount(ctx().db, { username: "rem", domain: "remote.test" });
      otherRemoteId = await insertRemoteAccount(ctx().db, {
        username: "ali",
        domain: "other.test",
      });
    });

    it("lists with v1 filters", async () => {
      const locals = [alice, bob, carol, mod, admin, admin2].map((u) => u.accountId).sort();
      assert.deepEqual(ids(await get(mod, "/api/v1/admin/accounts?local=true")), locals);
      assert.deepEqual(
        ids(await get(mod, "/api/v1/admin/accounts?remote=true")),
        [remoteId, otherRemoteId].sort(),
      );
      assert.deepEqual(ids(await get(mod, "/api/v1/admin/accounts?by_domain=remote.test")), [
        remoteId,
      ]);
      assert.deepEqual(
        ids(await get(mod, "/api/v1/admin/accounts?staff=true")),
        [mod, admin, admin2].map((u) => u.accountId).sort(),
      );
      assert.deepEqual(
        ids(await get(mod, "/api/v1/admin/accounts?username=ali")),
        [alice.accountId, otherRemoteId].sort(),
      );
      assert.deepEqual(
        ids(await get(mod, "/api/v1/admin/accounts?local=true&username=ALI")),
        [alice.accountId],
        "case-insensitive, combined with origin",
      );
      assert.deepEqual(ids(await get(mod, "/api/v1/admin/accounts?display_name=liddell")), [
        alice.accountId,
      ]);
      assert.deepEqual(ids(await get(mod, "/api/v1/admin/accounts?email=bob%40")), [bob.accountId]);
      assert.deepEqual(ids(await get(mod, "/api/v1/admin/accounts?pending=true")), [
        carol.accountId,
      ]);
      assert.deepEqual(ids(await get(mod, "/api/v1/admin/accounts?username=a_%25")), []);
    });

    it("lists with v2 filters", async () => {
      assert.deepEqual(
        ids(await get(mod, "/api/v2/admin/accounts?origin=remote")),
        [remoteId, otherRemoteId].sort(),
      );
      assert.deepEqual(ids(await get(mod, "/api/v2/admin/accounts?status=pending")), [
        carol.accountId,
      ]);
      assert.deepEqual(
        ids(await get(mod, "/api/v2/admin/accounts?permissions=staff")),
        [mod, admin, admin2].map((u) => u.accountId).sort(),
      );
      assert.deepEqual(
        ids(await get(mod, "/api/v2/admin/accounts?role_ids[]=2")),
        [admin, admin2].map((u) => u.accountId).sort(),
      );
      assert.deepEqual(ids(await get(mod, "/api/v2/admin/accounts?role_ids[]=77")), []);
      // bob joined through alice's invite.
      const inviteId = "900000000000000001";
      await ctx()
        .db.kysely.insertInto("invites")
        .values({
          id: inviteId,
          code: "abcdefgh",
          account_id: alice.accountId,
          max_uses: null,
          expires_at: null,
          created_at: new Date().toISOString(),
        })
        .execute();
      await ctx()
        .db.kysely.updateTable("users")
        .set({ invite_id: inviteId })
        .where("account_id", "=", bob.accountId)
        .execute();
      const invited = await get(mod, `/api/v2/admin/accounts?invited_by=${alice.accountId}`);
      assert.deepEqual(ids(invited), [bob.accountId]);
      assert.equal(invited.json[0].invited_by_account_id, alice.accountId);
      assert.deepEqual(
        ids(await get(mod, `/api/v2/admin/accounts?invited_by=${bob.accountId}`)),
        [],
      );
      assert.deepEqual(
        ids(await get(mod, "/api/v2/admin/accounts?origin=local&username=bo")),
        [bob, admin, admin2].map((u) => u.accountId).sort(),
      );
      const bad = await get(mod, "/api/v2/admin/accounts?status=sleepy");
      assert.equal(bad.status, 422);
      assert.equal(typeof bad.json.error, "string");
    });

    it("pages newest first with Link headers", async () => {
      const first = await get(mod, "/api/v1/admin/accounts?local=true&limit=4");
      assert.equal(first.status, 200);
      assert.equal(first.json.length, 4);
      const all = (first.json as AdminAccount[]).map((a) => a.id);
      assert.deepEqual(
        all,
        [...all].sort((a, b) => (BigInt(a) < BigInt(b) ? 1 : -1)),
      );
      const next = /<([^>]+)>; rel="next"/.exec(first.headers.get("link") ?? "")?.[1];
      assert.ok(next, "a next link");
      const url = new URL(next);
      assert.equal(url.searchParams.get("local"), "true", "filters are kept");
      const rest = await get(mod, url.pathname + url.search);
      assert.equal(rest.json.length, 2);
      assert.ok(
        (rest.json as AdminAccount[]).every((a) => !all.includes(a.id)),
        "no account twice",
      );
    });

    it("shows one account as Mastodon's Admin::Account", {
      skip: OPENAPI_SKIP_REASON,
    }, async () => {
      // Mastodon's serializer gives null for what a remote account has no user for, although
      // the schema says string.
      const remoteGaps = {
        "/email": "null for remote accounts, as Mastodon's Admin::AccountSerializer",
        "/locale": "null for remote accounts, as Mastodon's Admin::AccountSerializer",
      };
      for (const id of [alice.accountId, remoteId, carol.accountId]) {
        const r = await get(mod, `/api/v1/admin/accounts/${id}`);
        assert.equal(r.status, 200, JSON.stringify(r.json));
        await validateEntity("AdminAccount", r.json, id === remoteId ? { allow: remoteGaps } : {});
      }
      const one = await get(mod, `/api/v1/admin/accounts/${alice.accountId}`);
      assert.equal(one.json.email, "alice@example.test");
      assert.equal(one.json.account.display_name, "Alice Liddell");
      assert.equal((await get(mod, "/api/v1/admin/accounts/424242")).status, 404);
      const list = await get(mod, "/api/v2/admin/accounts?origin=local");
      for (const a of list.json) await validateEntity("AdminAccount", a);
    });

    it("refuses users, tokens without admin scopes, and staff acting above their rank", async () => {
      assert.equal((await get(alice, "/api/v1/admin/accounts")).status, 403);
      assert.equal((await get(alice, `/api/v1/admin/accounts/${bob.accountId}`)).status, 403);
      const noScope = await createUser(ctx(), { username: "noscope", role: "admin" });
      assert.equal((await get(noScope, "/api/v2/admin/accounts")).status, 403);
      const readOnly = await createUser(ctx(), {
        username: "readonly",
        role: "admin",
        scopes: ["admin:read:accounts"],
      });
      assert.equal((await get(readOnly, "/api/v1/admin/accounts")).status, 200);
      const write = await post(readOnly, `/api/v1/admin/accounts/${bob.accountId}/action`, {
        type: "silence",
      });
      assert.equal(write.status, 403, "admin:read is not admin:write");
      const byUser = await post(alice, `/api/v1/admin/accounts/${bob.accountId}/action`, {
        type: "suspend",
      });
      assert.equal(byUser.status, 403);
      for (const [actor, target] of [
        [mod, admin],
        [admin, admin2],
        [mod, mod],
      ] as const) {
        const r = await post(actor, `/api/v1/admin/accounts/${target.accountId}/action`, {
          type: "suspend",
        });
        assert.equal(r.status, 403, `${actor.username} → ${target.username}`);
        assert.equal(typeof r.json.error, "string");
      }
      const stillThere = await get(admin, `/api/v1/admin/accounts/${admin2.accountId}`);
      assert.equal(stillThere.json.suspended, false);
      assert.deepEqual(await audit(admin2.accountId), [], "a refused action leaves no entry");
    });

    it("takes each action and undoes it, with an audit entry for both", async () => {
      const path = `/api/v1/admin/accounts/${bob.accountId}`;
      const cases = [
        ["sensitive", "sensitized", "unsensitive"],
        ["silence", "silenced", "unsilence"],
        ["disable", "disabled", "enable"],
        ["suspend", "suspended", "unsuspend"],
      ] as const;
      for (const [type, flag, undo] of cases) {
        const done = await post(mod, `${path}/action`, { type, text: `for ${type}` });
        assert.equal(done.status, 200, `${type}: ${JSON.stringify(done.json)}`);
        assert.deepEqual(done.json, {});
        const shown = await get(mod, path);
        assert.equal(shown.json[flag], true, flag);
        const undone = await post(mod, `${path}/${undo}`);
        assert.equal(undone.status, 200, `${undo}: ${JSON.stringify(undone.json)}`);
        assert.equal(undone.json.id, bob.accountId);
        assert.equal(undone.json[flag], false, `${flag} after ${undo}`);
      }
      const warned = await post(mod, `${path}/action`, { type: "none", text: "be nice" });
      assert.equal(warned.status, 200);
      assert.deepEqual(await audit(bob.accountId), [
        "account.warn",
        "account.unsuspend",
        "account.suspend",
        "account.enable",
        "account.disable",
        "account.unsilence",
        "account.silence",
        "account.unsensitive",
        "account.sensitive",
      ]);
      const again = await post(mod, `${path}/unsuspend`);
      assert.equal(again.status, 409, "nothing to unsuspend");
      const bad = await post(mod, `${path}/action`, { type: "obliterate" });
      assert.equal(bad.status, 422);
      const remoteDisable = await post(mod, `/api/v1/admin/accounts/${remoteId}/action`, {
        type: "disable",
      });
      assert.equal(remoteDisable.status, 422, "only local accounts can be disabled");
      const missing = await post(mod, "/api/v1/admin/accounts/424242/action", { type: "none" });
      assert.equal(missing.status, 404);
    });

    it("resolves the report an action names, and refuses a report about someone else", async () => {
      const filed = await post(alice, "/api/v1/reports", {
        account_id: remoteId,
        comment: "spam from afar",
      });
      assert.equal(filed.status, 200, JSON.stringify(filed.json));
      const other = await post(alice, "/api/v1/reports", { account_id: bob.accountId });
      const wrong = await post(mod, `/api/v1/admin/accounts/${remoteId}/action`, {
        type: "none",
        report_id: other.json.id,
      });
      assert.equal(wrong.status, 422);
      const r = await post(mod, `/api/v1/admin/accounts/${remoteId}/action`, {
        type: "silence",
        report_id: filed.json.id,
        text: "limited",
        warning_preset_id: "3",
        send_email_notification: false,
      });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const report = await get(mod, `/api/v1/admin/reports/${filed.json.id}`);
      assert.equal(report.json.action_taken, true);
      assert.equal(report.json.action_taken_by_account?.id, mod.accountId);
      const open = await get(mod, `/api/v1/admin/reports/${other.json.id}`);
      assert.equal(open.json.action_taken, false, "a report about another account stays open");
      const remote = await get(mod, `/api/v1/admin/accounts/${remoteId}`);
      assert.equal(remote.json.silenced, true);
      assert.equal(remote.json.account.limited, true);
      assert.deepEqual(await audit(filed.json.id), ["report.resolve"]);
    });

    it("approves and rejects pending sign-ups", async () => {
      const dave = await pending("dave");
      const approved = await post(mod, `/api/v1/admin/accounts/${carol.accountId}/approve`);
      assert.equal(approved.status, 200, JSON.stringify(approved.json));
      assert.equal(approved.json.approved, true);
      const me = await get(carol, "/api/v1/accounts/verify_credentials");
      assert.equal(me.status, 200, "an approved user may sign in");
      assert.equal(
        (await post(mod, `/api/v1/admin/accounts/${carol.accountId}/approve`)).status,
        409,
      );
      assert.equal(
        (await post(mod, `/api/v1/admin/accounts/${carol.accountId}/reject`)).status,
        409,
        "only pending sign-ups can be rejected",
      );
      const rejected = await post(mod, `/api/v1/admin/accounts/${dave.accountId}/reject`);
      assert.equal(rejected.status, 200, JSON.stringify(rejected.json));
      assert.equal(rejected.json.username, "dave");
      assert.equal((await get(mod, `/api/v1/admin/accounts/${dave.accountId}`)).status, 404);
      assert.deepEqual(await audit(carol.accountId), ["account.approve"]);
      assert.deepEqual(await audit(dave.accountId), ["account.reject"]);
      const again = await createUser(ctx(), { username: "dave" });
      assert.ok(again.accountId, "a rejected name is free again");
    });

    it("purges a suspended account's data at once, for admins only", async () => {
      const victim = await createUser(ctx(), { username: "victim" });
      const post1 = await post(victim, "/api/v1/statuses", { status: "soon gone" });
      assert.equal(post1.status, 200);
      const path = `/api/v1/admin/accounts/${victim.accountId}`;
      const early = await api(base(), "DELETE", path, { token: admin.token });
      assert.equal(early.status, 403, "only suspended accounts");
      assert.equal((await post(mod, `${path}/action`, { type: "suspend" })).status, 200);
      const byMod = await api(base(), "DELETE", path, { token: mod.token });
      assert.equal(byMod.status, 403, "moderators lack delete_user_data");
      const purged = await api(base(), "DELETE", path, { token: admin.token });
      assert.equal(purged.status, 200, JSON.stringify(purged.json));
      assert.equal(purged.json.id, victim.accountId);
      const rows = await ctx()
        .db.kysely.selectFrom("statuses")
        .select("id")
        .where("account_id", "=", victim.accountId)
        .execute();
      assert.deepEqual(rows, []);
      const after = await get(admin, path);
      assert.equal(after.json.suspended, true);
      assert.equal(after.json.email, null, "the login is gone");
      assert.equal((await post(admin, `${path}/unsuspend`)).status, 409, "nothing to restore");
      assert.deepEqual(await audit(victim.accountId), ["account.destroy", "account.suspend"]);
    });
  });
});
