// A scheduled status survives the worker dying: `kith web` and `kith worker` run as separate
// processes on one database; a status is scheduled through the API, the worker is killed
// (SIGKILL, as a crash), time "passes" (the scheduled row and its job are moved into the past),
// nothing is posted while no worker runs, and a new worker posts it within seconds.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createRestAPIClient } from "masto";
import { type Db, openDatabase } from "../../src/db/database.ts";
import { exitOf, spawnKith, waitForHttp } from "../helpers/cli.ts";
import {
  createThrowawayDatabase,
  POSTGRES_ADMIN_URL,
  POSTGRES_SKIP_REASON,
  TEST_ENV,
  type ThrowawayDatabase,
  testConfig,
} from "../helpers/databases.ts";
import { freePort } from "../helpers/server.ts";
import { createUser } from "../helpers/users.ts";

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
  describe(`a scheduled status after a worker restart [${kind}]`, { skip }, () => {
    let database: ThrowawayDatabase;
    let db: Db | undefined;
    const children: ReturnType<typeof spawnKith>[] = [];
    before(async () => {
      database = await createThrowawayDatabase(kind);
    });
    after(async () => {
      for (const child of children) child.kill("SIGKILL");
      await db?.close();
      await database?.drop();
    });

    it("is posted by the new worker, once", async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = { ...TEST_ENV, ...database.env, PORT: String(port), KITH_ORIGIN: base };
      const web = spawnKith(["web"], env);
      children.push(web);
      await waitForHttp(`${base}/health`, 15_000); // migrated by now
      let worker = spawnKith(["worker"], env);
      children.push(worker);

      const config = testConfig(env);
      db = await openDatabase(config.database);
      const alice = await createUser({ config, db }, { username: "alice" });
      const client = createRestAPIClient({ url: base, accessToken: alice.token });
      const scheduled = await client.v1.statuses.create({
        status: "posted by whichever worker is alive",
        scheduledAt: new Date(Date.now() + 6 * 60_000).toISOString(),
      });

      worker.kill("SIGKILL");
      assert.equal(await exitOf(worker), "SIGKILL");
      const past = new Date(Date.now() - 1000).toISOString();
      await db.kysely
        .updateTable("scheduled_statuses")
        .set({ scheduled_at: past })
        .where("id", "=", scheduled.id)
        .execute();
      const moved = await db.kysely
        .updateTable("jobs")
        .set({ run_at: past })
        .where("dedupe_key", "=", `scheduled-status:${scheduled.id}`)
        .executeTakeFirst();
      assert.equal(Number(moved.numUpdatedRows), 1, "the job is in the database");

      const posts = async () =>
        (await client.v1.accounts.$select(alice.accountId).statuses.list()).map((s) => s.content);
      // The web process alone posts nothing.
      await sleep(1500);
      assert.deepEqual(await posts(), []);

      worker = spawnKith(["worker"], env);
      children.push(worker);
      let found: string[] = [];
      for (let i = 0; i < 150 && found.length === 0; i++) {
        found = await posts();
        if (found.length === 0) await sleep(100);
      }
      assert.deepEqual(
        found,
        ["<p>posted by whichever worker is alive</p>"],
        `not posted within 15 s:\n${worker.output()}`,
      );
      const home = await client.v1.timelines.home.list();
      assert.deepEqual(
        home.map((s) => s.id),
        [(await client.v1.accounts.$select(alice.accountId).statuses.list())[0]!.id],
      );
      const left = await client.v1.scheduledStatuses.list();
      assert.deepEqual(left, []);

      web.kill("SIGTERM");
      worker.kill("SIGTERM");
      assert.equal(await exitOf(web), 0, web.output());
      assert.equal(await exitOf(worker), 0, worker.output());
    });
  });
}
