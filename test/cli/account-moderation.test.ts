// `kith accounts warn|sensitive|disable|silence|suspend` and their undoing, `approve`,
// `reject` and `set-role`, as a child process on both databases beside a running server: each
// goes through the admin API's domain functions, so the owner sees the warning, the admin API
// sees the state, and the audit log names the operator.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Kith, startKith } from "../../src/main.ts";
import { insertRemoteAccount } from "../helpers/accounts.ts";
import { runKith } from "../helpers/cli.ts";
import {
  createThrowawayDatabase,
  POSTGRES_ADMIN_URL,
  POSTGRES_SKIP_REASON,
  type ThrowawayDatabase,
  testConfig,
} from "../helpers/databases.ts";
import { freePort } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const NEW_COMMANDS = [
  "warn",
  "sensitive",
  "unsensitive",
  "disable",
  "enable",
  "silence",
  "unsilence",
  "suspend",
  "unsuspend",
  "approve",
  "reject",
];

describe("kith accounts moderation --help", () => {
  for (const command of NEW_COMMANDS) {
    it(`kith accounts ${command} --help prints usage`, async () => {
      const r = await runKith(["accounts", command, "--help"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`kith accounts ${command} ACCOUNT`));
    });
  }
});

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
  describe(`kith accounts moderation [${kind}]`, { skip }, () => {
    let db: ThrowawayDatabase;
    let server: Kith;
    let origin: string;
    let env: Record<string, string>;
    let alice: TestUser;
    let admin: TestUser;
    let remoteId: string;
    const kith = (...args: string[]) => runKith(["accounts", ...args], env);
    const shown = async (id: string) => {
      const r = await api(origin, "GET", `/api/v1/admin/accounts/${id}`, { token: admin.token });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r.json;
    };
    const ok = async (...args: string[]) => {
      const r = await kith(...args);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      return r;
    };

    before(async () => {
      db = await createThrowawayDatabase(kind);
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      env = { ...db.env, KITH_ORIGIN: origin, KITH_DEV_MODE: "true" };
      server = await startKith(testConfig({ ...env, HOST: "127.0.0.1", PORT: String(port) }), {
        web: true,
        worker: false,
      });
      alice = await createUser(server.ctx, { username: "alice" });
      admin = await createUser(server.ctx, {
        username: "boss",
        role: "admin",
        scopes: ["read", "admin:read"],
      });
      remoteId = await insertRemoteAccount(server.ctx.db, {
        username: "rem",
        domain: "remote.test",
      });
    });
    after(async () => {
      await server?.stop();
      await db?.drop();
    });

    it("warns, and the owner sees the warning", async () => {
      const r = await ok("warn", "alice", "--text", "Mind the rules.");
      assert.match(r.stdout, /@alice is warned/);
      const notes = await api(origin, "GET", "/api/v1/notifications", { token: alice.token });
      const warning = notes.json.find((n: { type: string }) => n.type === "moderation_warning");
      assert.equal(warning?.moderation_warning.text, "Mind the rules.");
    });

    it("marks sensitive, limits, freezes and suspends, and lifts each", async () => {
      for (const [verb, flag, undo] of [
        ["sensitive", "sensitized", "unsensitive"],
        ["silence", "silenced", "unsilence"],
        ["disable", "disabled", "enable"],
        ["suspend", "suspended", "unsuspend"],
      ] as const) {
        await ok(verb, "alice", "--no-notify");
        assert.equal((await shown(alice.accountId))[flag], true, flag);
        if (verb === "disable") {
          const me = await api(origin, "GET", "/api/v1/accounts/verify_credentials", {
            token: alice.token,
          });
          assert.equal(me.status, 403, "a frozen login");
        }
        await ok(undo, "alice");
        assert.equal((await shown(alice.accountId))[flag], false, `${flag} lifted`);
      }
      const me = await api(origin, "GET", "/api/v1/accounts/verify_credentials", {
        token: alice.token,
      });
      assert.equal(me.status, 200);
    });

    it("acts on a remote account by user@domain", async () => {
      await ok("suspend", "rem@remote.test");
      assert.equal((await shown(remoteId)).suspended, true);
      const twice = await kith("suspend", "rem@remote.test");
      assert.equal(twice.code, 1);
      assert.match(twice.stderr, /already suspended/);
      const disable = await kith("disable", "rem@remote.test");
      assert.equal(disable.code, 1);
      assert.match(disable.stderr, /Only local accounts/);
    });

    it("approves and rejects pending sign-ups", async () => {
      const pending = async (username: string) => {
        const user = await createUser(server.ctx, { username });
        await server.ctx.db.kysely
          .updateTable("users")
          .set({ approved: 0 })
          .where("account_id", "=", user.accountId)
          .execute();
        return user;
      };
      const carol = await pending("carol");
      const dave = await pending("dave");
      await ok("approve", "carol");
      assert.equal((await shown(carol.accountId)).approved, true);
      await ok("reject", "dave");
      const gone = await api(origin, "GET", `/api/v1/admin/accounts/${dave.accountId}`, {
        token: admin.token,
      });
      assert.equal(gone.status, 404);
      const again = await kith("reject", "carol");
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already approved/);
      const missing = await kith("warn", "nobody");
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Record not found/);
      assert.equal((await kith("warn")).code, 2, "an ACCOUNT is required");
    });

    it("records every command in the audit log as the operator's", async () => {
      await ok("set-role", "alice", "moderator");
      const r = await api(origin, "GET", `/api/v1/admin/audit_log?target_id=${alice.accountId}`, {
        token: admin.token,
      });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const entries = r.json as { action: string; account: unknown; actor: string }[];
      assert.deepEqual(
        entries.map((e) => e.action),
        [
          "account.change_role",
          "account.unsuspend",
          "account.suspend",
          "account.enable",
          "account.disable",
          "account.unsilence",
          "account.silence",
          "account.unsensitive",
          "account.sensitive",
          "account.warn",
        ],
      );
      for (const e of entries) assert.equal(e.account, null);
      assert.match(entries[0]!.actor, /operator/);

      await ok("delete", "alice");
      const deleted = await api(
        origin,
        "GET",
        `/api/v1/admin/audit_log?target_id=${alice.accountId}&limit=1`,
        { token: admin.token },
      );
      assert.equal(deleted.json[0].action, "account.delete");
      assert.equal(deleted.json[0].target_label, "alice");
    });
  });
}
