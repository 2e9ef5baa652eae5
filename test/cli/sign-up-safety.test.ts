// `kith email-domains`, `kith ip-blocks`, `kith registrations` and `kith server-rules edit` as
// child processes on both databases: what they change, the audit entries they leave (as the
// operator), and exit codes 1 (refused) and 2 (called wrongly).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runKith } from "../helpers/cli.ts";
import {
  createThrowawayDatabase,
  POSTGRES_ADMIN_URL,
  POSTGRES_SKIP_REASON,
  type ThrowawayDatabase,
} from "../helpers/databases.ts";

const lines = (out: string) => out.trim().split("\n").filter(Boolean);

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
  describe(`kith sign-up safety commands [${kind}]`, { skip }, () => {
    let db: ThrowawayDatabase;
    before(async () => {
      db = await createThrowawayDatabase(kind);
    });
    after(async () => db?.drop());
    const kith = (...args: string[]) => runKith(args, db.env);
    const auditActions = async (prefix: string) =>
      lines((await kith("audit", "--action", prefix, "--json")).stdout).map((l) => {
        const e = JSON.parse(l) as { action: string; targetLabel: string; actor: string };
        return [e.action, e.targetLabel, e.actor];
      });

    it("blocks, lists and unblocks e-mail domains", async () => {
      const empty = await kith("email-domains", "list");
      assert.equal(empty.code, 0, empty.stderr);
      assert.match(empty.stderr, /No e-mail domains are blocked/);
      const blocked = await kith("email-domains", "block", "Spam.Example");
      assert.equal(blocked.code, 0, blocked.stderr);
      assert.match(blocked.stdout, /Blocked spam\.example/);
      const listed = await kith("email-domains", "list");
      assert.deepEqual(
        lines(listed.stdout).map((l) => l.split("\t")[1]),
        ["spam.example"],
      );
      const again = await kith("email-domains", "block", "spam.example");
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already been taken/);
      assert.equal((await kith("email-domains", "block", "not a domain")).code, 1);
      assert.equal((await kith("email-domains", "block")).code, 2);
      assert.equal((await kith("email-domains", "unblock", "spam.example")).code, 0);
      const gone = await kith("email-domains", "unblock", "spam.example");
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /Record not found/);
      assert.deepEqual(await auditActions("email_domain_block."), [
        ["email_domain_block.destroy", "spam.example", "operator"],
        ["email_domain_block.create", "spam.example", "operator"],
      ]);
    });

    it("adds, lists and removes IP blocks", async () => {
      const added = await kith(
        "ip-blocks",
        "add",
        "2001:db8::/32",
        "--severity",
        "no_access",
        "--comment",
        "botnet",
        "--expires-in",
        "2",
      );
      assert.equal(added.code, 0, added.stderr);
      const id = /\((?:\w+), (\d+)\)/.exec(added.stdout)?.[1];
      assert.ok(id, added.stdout);
      const listed = lines((await kith("ip-blocks", "list")).stdout).map((l) => l.split("\t"));
      assert.equal(listed.length, 1);
      assert.deepEqual(
        [listed[0]![1], listed[0]![2], listed[0]![4]],
        ["2001:db8::/32", "no_access", "botnet"],
      );
      assert.ok(Math.abs(Date.parse(listed[0]![3]!) - Date.now() - 2 * 3600_000) < 120_000);

      assert.equal((await kith("ip-blocks", "add", "10.0.0.0/8")).code, 2, "no severity");
      assert.equal((await kith("ip-blocks", "add", "10.0.0.0/8", "--severity", "ban")).code, 2);
      const bad = await kith("ip-blocks", "add", "10.0.0.0/99", "--severity", "sign_up_block");
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /not a valid IP/);

      assert.equal((await kith("ip-blocks", "remove", id)).code, 0);
      assert.equal((await kith("ip-blocks", "remove", id)).code, 1);
      assert.deepEqual(await auditActions("ip_block."), [
        ["ip_block.destroy", "2001:db8::/32", "operator"],
        ["ip_block.create", "2001:db8::/32", "operator"],
      ]);
    });

    it("shows the registration mode and has nothing to reopen on a fresh instance", async () => {
      const status = await kith("registrations", "status");
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /Configured: open/);
      assert.match(status.stdout, /In force: open\n/);
      assert.match(status.stdout, /Automatic switch to approval: on/);
      const reopen = await kith("registrations", "reopen");
      assert.equal(reopen.code, 0);
      assert.match(reopen.stdout, /nothing to undo/);
      const off = await runKith(["registrations", "status"], {
        ...db.env,
        KITH_REGISTRATIONS_AUTO_APPROVAL: "false",
      });
      assert.match(off.stdout, /Automatic switch to approval: off/);
    });

    it("edits server rules, with audit entries for every change", async () => {
      const id = /Added rule (\d+)\./.exec(
        (await kith("server-rules", "add", "Be kind")).stdout,
      )?.[1];
      assert.ok(id);
      const edited = await kith(
        "server-rules",
        "edit",
        id,
        "--text",
        "Be kinder",
        "--hint",
        "Always",
      );
      assert.equal(edited.code, 0, edited.stderr);
      assert.deepEqual(
        lines((await kith("server-rules", "list")).stdout).map((l) => l.split("\t").slice(1)),
        [["Be kinder", "Always"]],
      );
      assert.equal((await kith("server-rules", "edit", id)).code, 2, "nothing to change");
      assert.equal((await kith("server-rules", "edit", id, "--position", "x")).code, 2);
      assert.equal((await kith("server-rules", "edit", "123", "--text", "x")).code, 1);
      assert.equal((await kith("server-rules", "remove", id)).code, 0);
      assert.deepEqual(await auditActions("server_rule."), [
        ["server_rule.destroy", "Be kinder", "operator"],
        ["server_rule.update", "Be kinder", "operator"],
        ["server_rule.create", "Be kind", "operator"],
      ]);
    });
  });
}

describe("sign-up safety commands: help", () => {
  it("prints help for each group and sub-command", async () => {
    for (const args of [
      ["email-domains", "--help"],
      ["email-domains", "block", "--help"],
      ["ip-blocks", "--help"],
      ["ip-blocks", "add", "--help"],
      ["registrations", "--help"],
      ["registrations", "reopen", "--help"],
      ["server-rules", "edit", "--help"],
    ]) {
      const r = await runKith(args);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stdout, /kith /);
    }
  });
});
