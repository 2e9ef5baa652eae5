import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  claim,
  claimMany,
  complete,
  counts,
  DEAD_PREFIX,
  enqueue,
  fail,
  newWorkerId,
  releaseDeadLeases,
  retireWorkerId,
} from "../../src/jobs/queue.ts";
import { startWorker } from "../../src/jobs/worker.ts";
import { eachDatabase } from "../helpers/databases.ts";

eachDatabase("job queue", (fixture) => {
  it("hands each due job to one claimer and forgets it once complete", async () => {
    const { db } = fixture();
    await enqueue(db, "q1", { n: 1 });
    const job = await claim(db, ["q1"], "w1", 60_000);
    assert.deepEqual(job?.payload, { n: 1 });
    assert.equal(job?.attempts, 1);
    assert.equal(
      await claim(db, ["q1"], "w2", 60_000),
      null,
      "leased jobs are not handed out twice",
    );
    await complete(db, job!);
    assert.deepEqual(await counts(db), { pending: 0, dead: 0 });
  });

  it("claims several due jobs in one go, oldest first, one per ordering key", async () => {
    const { db } = fixture();
    for (const n of [1, 2, 3]) await enqueue(db, "many", { n }, { orderingKey: "k" });
    for (const n of [4, 5]) await enqueue(db, "many", { n });
    await enqueue(db, "many", { n: 6 }, { runAt: new Date(Date.now() + 60_000) });
    const first = await claimMany(db, ["many"], "w1", 60_000, 10);
    assert.deepEqual(
      first.map((j) => j.payload),
      [{ n: 1 }, { n: 4 }, { n: 5 }],
      "the keyed jobs wait for the oldest; the delayed one is not due",
    );
    assert.deepEqual(await claimMany(db, ["many"], "w2", 60_000, 10), [], "all in hand");
    for (const job of first) await complete(db, job);
    const next = await claimMany(db, ["many"], "w2", 60_000, 1);
    assert.deepEqual(
      next.map((j) => [j.payload, j.orderingKey]),
      [[{ n: 2 }, "k"]],
    );
    await db.kysely.deleteFrom("jobs").execute();
  });

  it("does not hand out jobs before their time", async () => {
    const { db } = fixture();
    await enqueue(db, "later", {}, { runAt: new Date(Date.now() + 60_000) });
    assert.equal(await claim(db, ["later"], "w", 1000), null);
    await db.kysely.deleteFrom("jobs").execute();
  });

  it("gives a job whose worker died to another worker when the lease runs out", async () => {
    const { db } = fixture();
    await enqueue(db, "q2", { x: true });
    const first = await claim(db, ["q2"], "dying", 50);
    assert.ok(first);
    await sleep(80);
    const again = await claim(db, ["q2"], "other", 60_000);
    assert.equal(again?.id, first.id);
    assert.equal(again?.attempts, 2);
    await complete(db, again!);
  });

  it("keeps one pending job per dedupe key", async () => {
    const { db } = fixture();
    await enqueue(db, "q3", 1, { dedupeKey: "k" });
    await enqueue(db, "q3", 2, { dedupeKey: "k" });
    assert.equal((await counts(db)).pending, 1);
    await db.kysely.deleteFrom("jobs").execute();
  });

  it("retries with backoff, then parks the job as dead", async () => {
    const { db } = fixture();
    await enqueue(db, "q4", {}, { maxAttempts: 2 });
    const one = await claim(db, ["q4"], "w", 60_000);
    assert.equal(await fail(db, one!, new Error("boom")), "retry");
    const row = await db.kysely.selectFrom("jobs").selectAll().executeTakeFirstOrThrow();
    assert.ok(row.run_at > new Date().toISOString(), "retry is scheduled in the future");
    assert.equal(row.last_error, "boom");
    await db.kysely
      .updateTable("jobs")
      .set({ run_at: new Date(0).toISOString() })
      .execute();
    const two = await claim(db, ["q4"], "w", 60_000);
    assert.equal(await fail(db, two!, new Error("boom again")), "dead");
    const dead = await db.kysely.selectFrom("jobs").selectAll().executeTakeFirstOrThrow();
    assert.equal(dead.queue, `${DEAD_PREFIX}q4`);
    assert.deepEqual(await counts(db), { pending: 0, dead: 1 });
    await db.kysely.deleteFrom("jobs").execute();
  });

  it("runs jobs in a worker and lets a running job finish on stop", async () => {
    const { db } = fixture();
    const seen: unknown[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let slowStarted = false;
    const worker = startWorker(db, {
      pollMs: 20,
      handlers: {
        fast: async (payload) => {
          seen.push(payload);
        },
        slow: async () => {
          slowStarted = true;
          await gate;
          seen.push("slow done");
        },
      },
    });
    await enqueue(db, "fast", "a");
    await enqueue(db, "slow", null);
    worker.wake();
    for (let i = 0; i < 200 && (seen.length < 1 || !slowStarted); i++) await sleep(20);
    assert.deepEqual(seen, ["a"]);
    assert.ok(slowStarted, "the slow job is running");
    const stopped = worker.stop();
    release();
    await stopped;
    assert.deepEqual(seen, ["a", "slow done"]);
    assert.deepEqual(await counts(db), { pending: 0, dead: 0 });
  });

  it("retries a failing handler instead of losing the job", async () => {
    const { db } = fixture();
    let calls = 0;
    const worker = startWorker(db, {
      pollMs: 20,
      handlers: {
        flaky: async () => {
          calls += 1;
          throw new Error("not yet");
        },
      },
    });
    await enqueue(db, "flaky", {});
    for (let i = 0; i < 100 && calls < 1; i++) await sleep(20);
    await worker.stop();
    assert.equal(calls, 1);
    const row = await db.kysely.selectFrom("jobs").selectAll().executeTakeFirstOrThrow();
    assert.equal(row.queue, "flaky");
    assert.equal(row.last_error, "not yet");
    await db.kysely.deleteFrom("jobs").execute();
  });

  it("takes back at once the jobs of this host's workers that no longer run", async () => {
    const { db } = fixture();
    const host = hostname();
    const gone = spawnSync(process.execPath, ["-e", ""]).pid; // a process that has exited
    const live = newWorkerId(); // a worker of this process
    const holders = {
      dead: `${host}:${gone}:aaaaaa`,
      // this process's pid, but no worker here has that id: a predecessor with the same pid
      samePidDead: `${host}:${process.pid}:bbbbbb`,
      live,
      parent: `${host}:${process.ppid}:cccccc`,
      otherHost: `elsewhere.${host}:${gone}:dddddd`,
    };
    for (const [queue, holder] of Object.entries(holders)) {
      await enqueue(db, `lease-${queue}`, {});
      assert.ok(await claim(db, [`lease-${queue}`], holder, 60_000));
    }
    try {
      assert.equal(await releaseDeadLeases(db), 2);
      const free = async (queue: string) => !!(await claim(db, [`lease-${queue}`], "next", 1000));
      assert.equal(await free("dead"), true);
      assert.equal(await free("samePidDead"), true);
      assert.equal(await free("live"), false, "a running worker keeps its jobs");
      assert.equal(await free("parent"), false, "a running process keeps its jobs");
      assert.equal(await free("otherHost"), false, "other hosts' leases run out by themselves");
    } finally {
      retireWorkerId(live);
      await db.kysely.deleteFrom("jobs").execute();
    }
  });
});
