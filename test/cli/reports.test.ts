// `kith reports list|show|note|resolve|reopen` as a child process, on both databases, against
// a running server on the same database: reports filed through the API are listed and shown
// with their statuses (as reported, even once deleted) and notes, resolving and reopening show
// in the admin API, notes added by the operator show there and in the audit log, and mistakes
// get exit code 1 (refused) or 2 (called wrongly).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Kith, startKith } from "../../src/main.ts";
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

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
  describe(`kith reports [${kind}]`, { skip }, () => {
    let db: ThrowawayDatabase;
    let server: Kith;
    let origin: string;
    let env: Record<string, string>;
    let mod: TestUser;
    let reportId: string;
    const kith = (...args: string[]) => runKith(["reports", ...args], env);

    before(async () => {
      db = await createThrowawayDatabase(kind);
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      env = { ...db.env, KITH_ORIGIN: origin, KITH_DEV_MODE: "true" };
      server = await startKith(testConfig({ ...env, HOST: "127.0.0.1", PORT: String(port) }), {
        web: true,
        worker: false,
      });
      const { ctx } = server;
      const alice = await createUser(ctx, { username: "alice" });
      const bob = await createUser(ctx, { username: "bob" });
      mod = await createUser(ctx, {
        username: "moddy",
        role: "moderator",
        scopes: ["admin:read", "admin:write"],
      });
      const status = await api(origin, "POST", "/api/v1/statuses", {
        token: bob.token,
        body: { status: "<b>rude</b> words & more" },
      });
      const filed = await api(origin, "POST", "/api/v1/reports", {
        token: alice.token,
        body: {
          account_id: bob.accountId,
          status_ids: [status.json.id],
          comment: "Bob is\nrude",
          category: "spam",
        },
      });
      assert.equal(filed.status, 200, JSON.stringify(filed.json));
      reportId = filed.json.id;
      await api(origin, "DELETE", `/api/v1/statuses/${status.json.id}`, { token: bob.token });
    });
    after(async () => {
      await server?.stop();
      await db?.drop();
    });

    it("lists open reports and shows one with its statuses as reported", async () => {
      const listed = await kith("list");
      assert.equal(listed.code, 0, listed.stderr);
      const [line] = listed.stdout.trim().split("\n");
      const [id, , category, reporter, target, state, comment] = line!.split("\t");
      assert.deepEqual(
        { id, category, reporter, target, state, comment },
        {
          id: reportId,
          category: "spam",
          reporter: "@alice",
          target: "@bob",
          state: "open",
          comment: "Bob is rude",
        },
      );

      const shown = await kith("show", reportId);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, new RegExp(`^Report ${reportId} \\(open\\)`));
      assert.match(shown.stdout, /by @alice/);
      assert.match(shown.stdout, /About: +@bob/);
      assert.match(shown.stdout, /Bob is\nrude/);
      assert.match(shown.stdout, /\n<b>rude<\/b> words & more/, "the deleted status, as text");
    });

    it("resolves and reopens, as the admin API then shows", async () => {
      const resolved = await kith("resolve", reportId);
      assert.equal(resolved.code, 0, resolved.stderr);
      assert.match(resolved.stdout, /Resolved report/);
      const open = await kith("list");
      assert.equal(open.stdout, "");
      assert.match(open.stderr, /No open reports/);
      assert.match((await kith("list", "--resolved")).stdout, new RegExp(`^${reportId}\t`));
      const viaApi = await api(origin, "GET", `/api/v1/admin/reports/${reportId}`, {
        token: mod.token,
      });
      assert.equal(viaApi.json.action_taken, true);
      assert.equal(viaApi.json.action_taken_by_account, null, "the operator has no account");

      assert.equal((await kith("reopen", reportId)).code, 0);
      assert.match((await kith("list")).stdout, new RegExp(`^${reportId}\t`));

      // Both actions are in the audit log, done by the operator, newest first.
      const audit = await runKith(["audit", "--action", "report."], env);
      assert.equal(audit.code, 0, audit.stderr);
      const lines = audit.stdout.trim().split("\n");
      assert.deepEqual(
        lines.map((l) => l.split("\t").slice(1, 4)),
        [
          ["operator", "report.reopen", `report ${reportId}`],
          ["operator", "report.resolve", `report ${reportId}`],
        ],
      );
      const json = await runKith(["audit", "--json", "--limit", "1"], env);
      assert.equal(JSON.parse(json.stdout).action, "report.reopen");
    });

    it("adds a note as the operator, shown after the statuses and in the audit log", async () => {
      const byMod = await api(origin, "POST", `/api/v1/admin/reports/${reportId}/notes`, {
        token: mod.token,
        body: { content: "Seen it" },
      });
      assert.equal(byMod.status, 200, JSON.stringify(byMod.json));
      const added = await kith("note", reportId, "  Warned bob by mail  ");
      assert.equal(added.code, 0, added.stderr);
      const noteId = /^Added note (\d+) to report/.exec(added.stdout)?.[1];
      assert.ok(noteId, added.stdout);

      const shown = await kith("show", reportId);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(
        shown.stdout,
        new RegExp(
          `words & more\n\nNote ${byMod.json.id} \\(\\S+ by @moddy\\)\nSeen it\n\n` +
            `Note ${noteId} \\(\\S+ by operator\\)\nWarned bob by mail\n$`,
        ),
        "notes oldest first, after the statuses",
      );

      const viaApi = await api(origin, "GET", `/api/v1/admin/reports/${reportId}/notes`, {
        token: mod.token,
      });
      assert.deepEqual(
        viaApi.json.map((n: { content: string; account: { acct: string } | null }) => [
          n.content,
          n.account?.acct ?? null,
        ]),
        [
          ["Seen it", "moddy"],
          ["Warned bob by mail", null],
        ],
      );

      const audit = await runKith(["audit", "--action", "report_note.create", "--limit", "1"], env);
      assert.equal(audit.code, 0, audit.stderr);
      assert.deepEqual(audit.stdout.trim().split("\t").slice(1, 4), [
        "operator",
        "report_note.create",
        `report ${reportId}`,
      ]);

      const blank = await kith("note", reportId, "   ");
      assert.equal(blank.code, 1);
      assert.match(blank.stderr, /Content can't be blank/);
      assert.equal((await kith("note", "999999999999999999", "hi")).code, 1);
      assert.equal((await kith("note", reportId)).code, 2);
    });

    it("refuses bad input", async () => {
      const missing = await kith("show", "999999999999999999");
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Record not found/);
      assert.equal((await kith("resolve", "nonsense")).code, 1);
      assert.equal((await kith("show")).code, 2);
      assert.equal((await kith("list", "--bogus")).code, 2);
      assert.equal((await kith("frobnicate")).code, 2);
      const help = await kith("--help");
      assert.equal(help.code, 0);
      assert.match(help.stdout, /kith reports COMMAND/);
      assert.match((await kith("list", "--help")).stdout, /kith reports list \[--resolved\]/);
    });
  });
}
