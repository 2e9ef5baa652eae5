// `kith domains …` as a child process, on both databases, beside a running server on the same
// database: blocks and allows made at the command line are audited as the operator's and seen
// by the server's cached policy within a second (another process changed it); export, an
// all-or-nothing import with the bad line named, and a subscription reviewed and approved.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { isSuspended } from "../../src/domain/moderation/domain-policy.ts";
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

const HEADER = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate";

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
  describe(`kith domains [${kind}]`, { skip }, () => {
    let db: ThrowawayDatabase;
    let server: Kith;
    let env: Record<string, string>;
    let lists: Server;
    let listBody = "";
    let listUrl: string;
    const dir = mkdtempSync(join(tmpdir(), "kith-domains-"));
    const kith = (...args: string[]) => runKith(["domains", ...args], env);

    before(async () => {
      db = await createThrowawayDatabase(kind);
      const port = await freePort();
      env = { ...db.env, KITH_ORIGIN: `http://127.0.0.1:${port}`, KITH_DEV_MODE: "true" };
      server = await startKith(testConfig({ ...env, HOST: "127.0.0.1", PORT: String(port) }), {
        web: true,
        worker: false,
      });
      lists = createServer((_req, res) =>
        res.writeHead(200, { "Content-Type": "text/csv" }).end(listBody),
      );
      await new Promise<void>((resolve) => lists.listen(0, "127.0.0.1", resolve));
      listUrl = `http://127.0.0.1:${(lists.address() as AddressInfo).port}/list.csv`;
    });
    after(async () => {
      await new Promise<void>((resolve) => lists.close(() => resolve()));
      await server?.stop();
      await db?.drop();
    });

    it("blocks and unblocks; the server's policy follows within a second", async () => {
      assert.equal(await isSuspended(server.ctx, "a.spam.example"), false);
      const r = await kith(
        "block",
        "spam.example",
        "--severity",
        "suspend",
        "--public-comment",
        "spam",
        "--obfuscate",
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Blocked spam\.example \(suspend, obfuscated\)/);
      await sleep(1100);
      assert.equal(await isSuspended(server.ctx, "a.spam.example"), true);
      const changed = await kith("block", "spam.example", "--severity", "silence");
      assert.equal(changed.code, 0, changed.stderr);
      const listed = await kith("list");
      assert.match(listed.stdout, /^spam\.example\tsilence, obfuscated\tspam$/m);
      assert.equal((await kith("unblock", "spam.example")).code, 0);
      assert.equal((await kith("unblock", "spam.example")).code, 1, "nothing to unblock");
      await sleep(1100);
      assert.equal(await isSuspended(server.ctx, "a.spam.example"), false);
      const audit = await runKith(["audit", "--action", "domain_block."], env);
      assert.deepEqual(
        audit.stdout
          .trim()
          .split("\n")
          .map((l) => l.split("\t").slice(1, 4).join(" ")),
        [
          "operator domain_block.destroy spam.example",
          "operator domain_block.update spam.example",
          "operator domain_block.create spam.example",
        ],
      );
    });

    it("allows and disallows", async () => {
      assert.equal((await kith("allow", "friends.example")).code, 0);
      assert.equal((await kith("list", "--allows")).stdout.trim(), "friends.example");
      assert.equal((await kith("disallow", "friends.example")).code, 0);
      assert.equal((await kith("list", "--allows")).stdout.trim(), "");
    });

    it("imports all or nothing, and exports what it imported", async () => {
      const bad = join(dir, "bad.csv");
      writeFileSync(
        bad,
        `${HEADER}\nok.example,suspend,false,false,,false\nbad..example,suspend,false,false,,false\n`,
      );
      const refused = await kith("import", bad);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /line 3/);
      assert.equal((await kith("list")).stdout.trim(), "", "nothing applied");
      const good = join(dir, "good.csv");
      writeFileSync(
        good,
        `${HEADER}\nok.example,suspend,true,false,"bad, very",true\nmeh.example,silence,false,true,,false\n`,
      );
      const imported = await kith("import", good);
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stdout, /Imported 2 blocks; 0 already covered/);
      const out = join(dir, "out.csv");
      assert.equal((await kith("export", "--output", out)).code, 0);
      assert.equal(
        readFileSync(out, "utf8"),
        `${HEADER}\nmeh.example,silence,false,true,,false\nok.example,suspend,true,false,"bad, very",true\n`,
      );
      assert.equal((await kith("block")).code, 2, "called wrongly");
    });

    it("subscribes in review mode; approve applies a pending change", async () => {
      listBody = `${HEADER}\nlisted.example,suspend,false,false,from the list,false\n`;
      const added = await kith("subscriptions", "add", listUrl);
      assert.equal(added.code, 0, added.stderr);
      const refreshed = await kith("subscriptions", "refresh", listUrl);
      assert.equal(refreshed.code, 0, refreshed.stderr);
      assert.match(refreshed.stdout, /^pending\tcreate\tlisted\.example$/m);
      const pending = await kith("subscriptions", "pending");
      const [id] = pending.stdout.trim().split("\t");
      assert.ok(id);
      assert.doesNotMatch((await kith("list")).stdout, /listed\.example/);
      assert.equal((await kith("subscriptions", "approve", id)).code, 0);
      assert.match((await kith("list")).stdout, /^listed\.example\tsuspend\tfrom the list/m);
      assert.match(
        (await kith("subscriptions", "list")).stdout,
        new RegExp(`\treview\t${listUrl.replace(/[.?]/g, "\\$&")}\t`),
      );
      assert.equal((await kith("subscriptions", "remove", listUrl)).code, 0);
    });
  });
}
