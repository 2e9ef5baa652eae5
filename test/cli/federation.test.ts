// `kith federation unavailable|clear` as a child process, on both databases: it lists the hosts
// deliveries skip (and with --all those only failing), and clearing one lets it back in.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import {
  FAILURE_DAYS_THRESHOLD,
  recordDeliveryFailure,
  unavailableHosts,
} from "../../src/federation/outbox/availability.ts";
import { runKith } from "../helpers/cli.ts";
import {
  createThrowawayDatabase,
  POSTGRES_ADMIN_URL,
  POSTGRES_SKIP_REASON,
  type ThrowawayDatabase,
  testConfig,
} from "../helpers/databases.ts";

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
  describe(`kith federation [${kind}]`, { skip }, () => {
    let throwaway: ThrowawayDatabase;
    before(async () => {
      throwaway = await createThrowawayDatabase(kind);
    });
    after(async () => throwaway?.drop());
    const kith = (...args: string[]) => runKith(["federation", ...args], throwaway.env);

    it("lists unavailable and failing hosts, and clears one", async () => {
      const empty = await kith("unavailable");
      assert.equal(empty.code, 0, empty.stderr);
      assert.equal(empty.stdout, "");
      assert.match(empty.stderr, /No unavailable hosts/);

      const config = testConfig(throwaway.env);
      const db = await openDatabase(config.database);
      const ctx = { config, db };
      try {
        await migrateToLatest(db);
        for (let ago = FAILURE_DAYS_THRESHOLD - 1; ago >= 0; ago--)
          await recordDeliveryFailure(
            ctx,
            "https://down.example/inbox",
            "fetch failed",
            daysAgo(ago),
          );
        await recordDeliveryFailure(
          ctx,
          "https://flaky.example:8443/inbox",
          "HTTP 502",
          daysAgo(1),
        );

        const listed = await kith("unavailable");
        assert.equal(listed.code, 0, listed.stderr);
        const [line, ...rest] = listed.stdout.trim().split("\n");
        assert.deepEqual(rest, []);
        const [host, days, since, , error] = line!.split("\t");
        assert.deepEqual([host, days, error], ["down.example", "7", "fetch failed"]);
        assert.ok(Date.parse(since ?? "") > 0, `unavailable since ${since}`);

        const all = await kith("unavailable", "--all");
        assert.deepEqual(
          all.stdout
            .trim()
            .split("\n")
            .map((l) => l.split("\t").slice(0, 3)),
          [
            ["down.example", "7", since],
            ["flaky.example:8443", "1", "failing"],
          ],
        );

        const cleared = await kith("clear", "DOWN.example");
        assert.equal(cleared.code, 0, cleared.stderr);
        assert.match(cleared.stdout, /Cleared DOWN\.example/);
        assert.deepEqual([...(await unavailableHosts(ctx))], []);
        const again = await kith("clear", "down.example");
        assert.equal(again.code, 1);
        assert.match(again.stderr, /No failures recorded for down\.example/);
      } finally {
        await db.close();
      }
    });

    it("refuses bad calls", async () => {
      assert.equal((await kith("clear")).code, 2);
      assert.equal((await kith("unavailable", "--bogus")).code, 2);
      assert.equal((await kith("frobnicate")).code, 2);
      const help = await kith("clear", "--help");
      assert.equal(help.code, 0);
      assert.match(help.stdout, /kith federation clear HOST/);
    });
  });
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
