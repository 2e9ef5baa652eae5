// Kith's Fedify queue beyond the conformance suite: at-least-once delivery, failing and slow
// handlers, ordering keys with a slow handler, delays, depth and shutdown.
import assert from "node:assert/strict";
import { afterEach, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  KithMessageQueue,
  type KithMessageQueueOptions,
} from "../../src/federation/message-queue.ts";
import { toDuration } from "../../src/federation/temporal.ts";
import { claim } from "../../src/jobs/queue.ts";
import { eachDatabase } from "../helpers/databases.ts";

async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting");
    await sleep(20);
  }
}

eachDatabase("Fedify MessageQueue on Kith's job queue", (fixture) => {
  const controllers: AbortController[] = [];
  const listening: Promise<void>[] = [];
  const rows = (queue = "fedify") =>
    fixture().db.kysely.selectFrom("jobs").selectAll().where("queue", "=", queue).execute();

  function listen(
    // biome-ignore lint/suspicious/noExplicitAny: each test types its own messages
    handler: (message: any) => Promise<void> | void,
    options: KithMessageQueueOptions = {},
  ) {
    const controller = new AbortController();
    const mq = new KithMessageQueue(fixture().db, { pollMs: 200, ...options });
    const done = mq.listen(handler, { signal: controller.signal });
    controllers.push(controller);
    listening.push(done);
    return { mq, controller, done };
  }

  afterEach(async () => {
    for (const c of controllers.splice(0)) c.abort();
    await Promise.all(listening.splice(0));
    await fixture().db.kysely.deleteFrom("jobs").execute();
  });

  it("keeps a message, leased, until its handler resolves, then deletes it", async () => {
    let release!: () => void;
    const seen: unknown[] = [];
    const { mq } = listen(async (message) => {
      seen.push(message);
      await new Promise<void>((r) => (release = r));
    });
    await mq.enqueue({ type: "outbox", n: 1 });
    await until(() => seen.length === 1);
    const [row] = await rows();
    assert.ok(row, "still in the table while the handler runs");
    assert.ok(row.locked_until! > new Date().toISOString());
    assert.deepEqual((await mq.getDepth()).queued, 0, "in-flight messages are not queued");
    release();
    await until(async () => (await rows()).length === 0);
    assert.deepEqual(seen, [{ type: "outbox", n: 1 }]);
  });

  it("survives throwing handlers and retries their messages with backoff", async () => {
    const attempts = new Map<string, number>();
    const { mq, done } = listen((message: { id: string }) => {
      const n = (attempts.get(message.id) ?? 0) + 1;
      attempts.set(message.id, n);
      if (message.id === "sync" && n === 1) throw new Error("thrown synchronously");
      if (message.id === "async" && n === 1) return Promise.reject(new Error("rejected"));
    });
    await mq.enqueueMany([{ id: "sync" }, { id: "async" }, { id: "fine" }]);
    await until(() => attempts.size === 3);
    // The handlers have run; wait for the queue to record their outcomes.
    await until(async () => {
      const left = await rows();
      return left.length === 2 && left.every((r) => r.last_error !== null);
    });
    const retrying = await rows();
    for (const row of retrying) {
      assert.ok(row.run_at > new Date().toISOString(), "retried later, not at once");
      assert.match(row.last_error!, /thrown synchronously|rejected/);
    }
    await fixture()
      .db.kysely.updateTable("jobs")
      .set({ run_at: new Date().toISOString() })
      .execute();
    await mq.enqueue({ id: "poke" });
    await until(() => attempts.get("sync") === 2 && attempts.get("async") === 2, 5000);
    await until(async () => (await rows()).length === 0);
    let settled = false;
    void done.then(() => (settled = true));
    await sleep(50);
    assert.equal(settled, false, "listen() is still running");
  });

  it("parks a message as dead after its last attempt", async () => {
    const { mq } = listen(
      () => {
        throw new Error("always");
      },
      { maxAttempts: 1 },
    );
    await mq.enqueue({ doomed: true });
    await until(async () => (await rows("dead:fedify")).length === 1);
    assert.equal((await rows()).length, 0);
  });

  it("gives up on a handler that runs over its timeout and delivers the message again", async () => {
    let calls = 0;
    const { mq } = listen(
      async () => {
        calls += 1;
        if (calls === 1) await new Promise(() => {}); // never settles
      },
      { handlerTimeoutMs: 200 },
    );
    await mq.enqueue({ slow: true });
    await until(async () => (await rows())[0]?.last_error?.includes("ran over") ?? false);
    await fixture()
      .db.kysely.updateTable("jobs")
      .set({ run_at: new Date().toISOString() })
      .execute();
    await mq.enqueue({ poke: true });
    await until(() => calls >= 3);
    await until(async () => (await rows()).length === 0);
  });

  it("runs one message per ordering key at a time, in order, while other keys go ahead", async () => {
    const log: string[] = [];
    let inFlight = 0;
    let maxInFlightForK = 0;
    const { mq } = listen(
      async (m: { key: string; n: number }) => {
        if (m.key === "k") maxInFlightForK = Math.max(maxInFlightForK, ++inFlight);
        log.push(`start ${m.key}${m.n}`);
        await sleep(m.key === "k" && m.n === 1 ? 400 : 30);
        log.push(`end ${m.key}${m.n}`);
        if (m.key === "k") inFlight--;
      },
      { concurrency: 4 },
    );
    for (const n of [1, 2, 3]) await mq.enqueue({ key: "k", n }, { orderingKey: "k" });
    await mq.enqueue({ key: "j", n: 1 }, { orderingKey: "j" });
    await mq.enqueue({ key: "free", n: 1 });
    await until(() => log.filter((l) => l.startsWith("end")).length === 5);
    const ks = log.filter((l) => l.includes(" k"));
    assert.deepEqual(ks, ["start k1", "end k1", "start k2", "end k2", "start k3", "end k3"]);
    assert.equal(maxInFlightForK, 1);
    assert.ok(log.indexOf("end j1") < log.indexOf("end k1"), "another key is not held up");
    assert.ok(log.indexOf("end free1") < log.indexOf("end k1"));
  });

  it("holds a delayed message until it is due and wakes for it without waiting for a poll", async () => {
    const seen: number[] = [];
    const { mq } = listen(() => void seen.push(Date.now()), { pollMs: 30_000 });
    await sleep(100); // the listener is now asleep for a whole poll interval
    const started = Date.now();
    await mq.enqueue({ later: true }, { delay: toDuration(800) });
    const depth = await mq.getDepth();
    assert.deepEqual(depth, { queued: 1, ready: 0, delayed: 1 });
    await until(() => seen.length === 1, 5000);
    const waited = seen[0]! - started;
    assert.ok(waited >= 790, `delivered after ${waited} ms`);
    assert.ok(waited < 2500, `delivered after ${waited} ms, not at the next poll`);
  });

  it("enqueues many messages in one go and reports the depth", async () => {
    const mq = new KithMessageQueue(fixture().db);
    await mq.enqueueMany(Array.from({ length: 1100 }, (_, i) => ({ i })));
    await mq.enqueueMany(["a", "b"], { delay: toDuration(60_000), orderingKey: "o" });
    assert.deepEqual(await mq.getDepth(), { queued: 1102, ready: 1100, delayed: 2 });
    const keyed = await rows();
    assert.equal(keyed.filter((r) => r.ordering_key === "o").length, 2);
  });

  it("stores messages enqueued at once together, each with its own options, in order", async () => {
    const mq = new KithMessageQueue(fixture().db);
    const before = Date.now();
    await Promise.all(
      Array.from({ length: 1100 }, (_, i) =>
        mq.enqueue(
          { i },
          { orderingKey: `k${i % 3}`, ...(i % 2 ? { delay: toDuration(60_000) } : {}) },
        ),
      ),
    );
    await assert.rejects(mq.enqueue({ big: 1n }), TypeError);
    const stored = (await rows()).sort((a, b) => (a.id < b.id ? -1 : 1));
    assert.equal(stored.length, 1100);
    stored.forEach((row, i) => {
      assert.deepEqual(JSON.parse(row.payload), { i });
      assert.equal(row.ordering_key, `k${i % 3}`);
      assert.equal(Date.parse(row.run_at) >= before + 60_000, i % 2 === 1);
    });
  });

  it("resolves listen() only after abort and once the handlers in hand have finished", async () => {
    let finished = false;
    let started = false;
    const { mq, controller, done } = listen(async () => {
      started = true;
      await sleep(300);
      finished = true;
    });
    await mq.enqueue({ n: 1 });
    await until(() => started);
    let resolved = false;
    void done.then(() => (resolved = true));
    await sleep(50);
    assert.equal(resolved, false, "does not resolve before abort");
    controller.abort();
    await done;
    assert.equal(finished, true, "the running handler finished first");
    assert.equal((await rows()).length, 0, "and its message was acknowledged");
    await mq.enqueue({ n: 2 });
    await sleep(300);
    assert.equal((await rows()).length, 1, "nothing is taken after abort");
  });

  it("delivers again a message whose lease ran out (its worker died)", async () => {
    const mq = new KithMessageQueue(fixture().db);
    await mq.enqueue({ orphan: true });
    const dead = await claim(fixture().db, ["fedify"], "dead-worker", 300);
    assert.ok(dead, "a worker took it and then vanished");
    const seen: unknown[] = [];
    listen((m) => void seen.push(m));
    await sleep(150);
    assert.equal(seen.length, 0, "not while the lease holds");
    await until(() => seen.length === 1, 5000);
    assert.deepEqual(seen, [{ orphan: true }]);
  });
});
