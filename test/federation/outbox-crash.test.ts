// No delivery lost across a crash: a post commits its status and its domain event together
// (the API answers only then), the worker that took the event is killed with SIGKILL before
// it told the outbox, and a Kith started afterwards on the same database delivers the Create
// to the remote follower. And a change that rolls back leaves no event behind.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type Db, openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { type Context, inTransaction } from "../../src/domain/context.ts";
import { DOMAIN_EVENTS_QUEUE, emitDomainEvent } from "../../src/domain/events.ts";
import { startKith } from "../../src/main.ts";
import { exitOf } from "../helpers/cli.ts";
import {
  createThrowawayDatabase,
  POSTGRES_ADMIN_URL,
  POSTGRES_SKIP_REASON,
  type ThrowawayDatabase,
  testConfig,
} from "../helpers/databases.ts";
import {
  deliveriesOf,
  type RecordingInbox,
  startRecordingInbox,
} from "../helpers/recording-inbox.ts";
import { freePort } from "../helpers/server.ts";
import { api, createUser } from "../helpers/users.ts";
import { insertFollow } from "./outbox-world.ts";

const eventJobs = (db: Db) =>
  db.kysely.selectFrom("jobs").selectAll().where("queue", "=", DOMAIN_EVENTS_QUEUE).execute();

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
  describe(`transactional outbox across a crash [${kind}]`, { skip }, () => {
    let throwaway: ThrowawayDatabase;
    let env: Record<string, string>;
    let ctx: Context;
    let remote: RecordingInbox;
    before(async () => {
      throwaway = await createThrowawayDatabase(kind);
      const port = await freePort();
      env = {
        HOST: "127.0.0.1",
        PORT: String(port),
        KITH_ORIGIN: `http://127.0.0.1:${port}`,
        ...throwaway.env,
      };
      const config = testConfig(env);
      const db = await openDatabase(config.database);
      await migrateToLatest(db);
      ctx = { config, db };
      remote = await startRecordingInbox({ domain: "r1.test", users: ["bob"] });
      await remote.addToKith(ctx);
    });
    after(async () => {
      await remote?.close();
      await ctx?.db.close();
      await throwaway?.drop();
    });

    it("delivers a post whose worker died between the commit and the delivery", {
      timeout: 90_000,
    }, async () => {
      const alice = await createUser(ctx, { username: "alice" });
      await insertFollow(ctx, remote.user("bob").accountId, alice.accountId);
      const child = spawn(
        process.execPath,
        [join(import.meta.dirname, "outbox-crash-child.ts"), JSON.stringify(env)],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      let uri: string;
      try {
        const started = Date.now();
        while (!output.includes("ready") && Date.now() - started < 30_000) await sleep(20);
        assert.match(output, /ready/);
        const posted = await api(ctx.config.origin, "POST", "/api/v1/statuses", {
          token: alice.token,
          body: { status: "This one survives the crash", visibility: "public" },
        });
        assert.equal(posted.status, 200, JSON.stringify(posted.json));
        uri = posted.json.uri;
        // Answered: the status and its event are both committed.
        const [job] = await eventJobs(ctx.db);
        assert.deepEqual(JSON.parse(job!.payload), {
          type: "status.created",
          statusId: posted.json.id,
        });
        while (!output.includes("claimed") && Date.now() - started < 30_000) await sleep(20);
        assert.match(output, /claimed \{"type":"status.created"/);
      } finally {
        child.kill("SIGKILL");
        await exitOf(child);
      }
      assert.equal(remote.deliveries.length, 0, "nothing went out before the crash");

      // Restarted on the same database and origin: the event's lease runs out and it goes out.
      const kith = await startKith(testConfig(env), { web: true, worker: true });
      try {
        const got = await deliveriesOf([remote], `${uri}/activity`, 1);
        assert.equal(got.length, 1);
        assert.equal(got[0]!.activity.type, "Create");
        assert.equal(got[0]!.activity.object.id, uri);
        assert.equal(got[0]!.signatureProblem, null);
        assert.deepEqual(await eventJobs(ctx.db), [], "the event is done with");
      } finally {
        await kith.stop();
      }
    });

    it("keeps no event of a change that rolled back, and keeps the event of one that committed", async () => {
      const event = { type: "account.updated", accountId: "123456789012345678" } as const;
      await assert.rejects(
        inTransaction(ctx, async (tctx) => {
          await emitDomainEvent(tctx, event);
          throw new Error("the change failed after its event");
        }),
        /the change failed/,
      );
      assert.deepEqual(await eventJobs(ctx.db), []);
      await inTransaction(ctx, (tctx) => emitDomainEvent(tctx, event));
      const jobs = await eventJobs(ctx.db);
      assert.deepEqual(
        jobs.map((j) => JSON.parse(j.payload)),
        [event],
      );
      await ctx.db.kysely.deleteFrom("jobs").execute();
    });
  });
}
