// Workers wake as soon as a job is committed, not at their next poll: in one process on both
// databases, and on PostgreSQL across Kith instances and processes through LISTEN/NOTIFY,
// also after the LISTEN connection was lost. Every worker here polls only once a minute, so a
// job taken within a second was announced.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { sql } from "kysely";
import { type Db, openDatabase } from "../../src/db/database.ts";
import { WAKEUP_APPLICATION_NAME } from "../../src/db/wakeups.ts";
import { KithMessageQueue } from "../../src/federation/message-queue.ts";
import { enqueue } from "../../src/jobs/queue.ts";
import { startWorker, type Worker } from "../../src/jobs/worker.ts";
import { eachDatabase } from "../helpers/databases.ts";

const POLL_MS = 60_000;
const PROMPT_MS = 1000;

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000) {
  const started = Date.now();
  while (!(await condition()) && Date.now() - started < timeoutMs) await sleep(10);
  return Date.now() - started;
}

eachDatabase("job wake-ups", (fixture) => {
  // A second Kith instance on the same database: its own pool, its own LISTEN connection.
  let other: Db;
  let worker: Worker;
  const taken: { payload: unknown; at: number }[] = [];
  before(async () => {
    other = await openDatabase(fixture().config.database);
    worker = startWorker(other, {
      handlers: { wake: async (payload) => void taken.push({ payload, at: Date.now() }) },
      pollMs: POLL_MS,
    });
    await sleep(200); // past its first look: from now on it sleeps for a whole poll
  });
  after(async () => {
    await worker?.stop();
    await other?.close();
  });

  const takenWithin = async (payload: unknown, enqueuedAt: number) => {
    await until(() => taken.some((t) => JSON.stringify(t.payload) === JSON.stringify(payload)));
    const found = taken.find((t) => JSON.stringify(t.payload) === JSON.stringify(payload));
    assert.ok(found, `${JSON.stringify(payload)} was not taken`);
    const waited = found.at - enqueuedAt;
    assert.ok(waited < PROMPT_MS, `taken after ${waited} ms`);
  };

  it("wakes a worker of the same instance at once", async () => {
    const mq = new KithMessageQueue(fixture().db, { pollMs: POLL_MS });
    const seen: number[] = [];
    const controller = new AbortController();
    const listening = mq.listen(() => void seen.push(Date.now()), { signal: controller.signal });
    await sleep(200);
    const enqueuedAt = Date.now();
    await mq.enqueue({ here: true });
    await until(() => seen.length === 1);
    controller.abort();
    await listening;
    assert.equal(seen.length, 1);
    assert.ok(seen[0]! - enqueuedAt < PROMPT_MS, `taken after ${seen[0]! - enqueuedAt} ms`);
  });

  it("wakes the worker of another instance, once the enqueueing transaction commits", async (t) => {
    if (fixture().kind === "sqlite") return t.skip("SQLite has no cross-process wake-ups");
    const { db } = fixture();
    await until(() => other.wakeups.listening);
    assert.ok(other.wakeups.listening, "the other instance listens");
    let enqueuedAt = Date.now();
    await enqueue(db, "wake", { n: 1 });
    await takenWithin({ n: 1 }, enqueuedAt);

    await db.kysely.transaction().execute(async (trx) => {
      await enqueue({ ...db, kysely: trx }, "wake", { n: 2 });
      await sleep(400);
      assert.ok(!taken.some((t) => (t.payload as { n: number }).n === 2), "not before the commit");
      enqueuedAt = Date.now();
    });
    await takenWithin({ n: 2 }, enqueuedAt);
  });

  it("skips the echo of its own NOTIFY, except for a job enqueued in a transaction", async (t) => {
    if (fixture().kind === "sqlite") return t.skip("SQLite has no NOTIFY");
    const { db } = fixture();
    const heard: string[] = [];
    const stop = db.wakeups.listen((queue) => void heard.push(queue));
    try {
      await until(() => db.wakeups.listening);
      await sleep(100);
      heard.length = 0; // the wake-up for "anything missed" on connecting
      await enqueue(db, "echo-a", {});
      await sleep(500);
      assert.deepEqual(heard, ["echo-a"], "woken once, in the process; the echo is skipped");
      heard.length = 0;
      await db.kysely.transaction().execute(async (trx) => {
        await enqueue({ ...db, kysely: trx }, "echo-b", {});
      });
      await until(() => heard.length >= 2, 2000);
      assert.deepEqual(heard, ["echo-b", "echo-b"], "before the commit, and by NOTIFY after it");
    } finally {
      stop();
      await db.kysely.deleteFrom("jobs").where("queue", "in", ["echo-a", "echo-b"]).execute();
    }
  });

  it("wakes another process's Fedify queue listener", async (t) => {
    if (fixture().kind === "sqlite") return t.skip("SQLite has no cross-process wake-ups");
    const seen: { message: unknown; at: number }[] = [];
    const controller = new AbortController();
    const listening = new KithMessageQueue(other, { pollMs: POLL_MS }).listen(
      (message) => void seen.push({ message, at: Date.now() }),
      { signal: controller.signal },
    );
    await sleep(200);
    const queueModule = join(import.meta.dirname, "../../src/federation/message-queue.ts");
    const databaseModule = join(import.meta.dirname, "../../src/db/database.ts");
    const script = `
      const { openDatabase } = await import(${JSON.stringify(databaseModule)});
      const { KithMessageQueue } = await import(${JSON.stringify(queueModule)});
      const db = await openDatabase(${JSON.stringify(fixture().config.database)});
      await new KithMessageQueue(db).enqueue({ from: "another process" });
      process.stdout.write(String(Date.now()));
      await db.close();`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", script],
      { timeout: 30_000 },
    );
    const enqueuedAt = Number(stdout);
    await until(() => seen.length === 1);
    controller.abort();
    await listening;
    assert.deepEqual(
      seen.map((s) => s.message),
      [{ from: "another process" }],
    );
    assert.ok(seen[0]!.at - enqueuedAt < PROMPT_MS, `taken after ${seen[0]!.at - enqueuedAt} ms`);
  });

  it("listens again after its connection is lost", async (t) => {
    if (fixture().kind === "sqlite") return t.skip("SQLite has no cross-process wake-ups");
    const { db } = fixture();
    await until(() => other.wakeups.listening);
    const killed = await sql<{ ok: boolean }>`
      SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
      WHERE application_name = ${WAKEUP_APPLICATION_NAME} AND datname = current_database()`.execute(
      db.kysely,
    );
    assert.ok(killed.rows.length >= 1, "a LISTEN connection was there to lose");
    await until(() => !other.wakeups.listening, 2000);
    await until(() => other.wakeups.listening, 10_000);
    assert.ok(other.wakeups.listening, "listening again");
    await sleep(300); // past the look that follows every reconnection
    const enqueuedAt = Date.now();
    await enqueue(db, "wake", { n: 3 });
    await takenWithin({ n: 3 }, enqueuedAt);
  });
});
