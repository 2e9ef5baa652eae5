// At-least-once delivery across a real crash: a listener process takes a message, keeps its
// lease alive while its handler runs, and is killed with SIGKILL mid-handler; once the lease
// runs out, a listener in this process gets the message again.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { KithMessageQueue } from "../../src/federation/message-queue.ts";
import { exitOf } from "../helpers/cli.ts";
import { eachDatabase } from "../helpers/databases.ts";

const LEASE_MS = 900;

eachDatabase("Fedify MessageQueue after a worker crash", (fixture) => {
  it("redelivers a message whose worker died mid-handler", { timeout: 60_000 }, async () => {
    const { db, config } = fixture();
    const child = spawn(
      process.execPath,
      [
        join(import.meta.dirname, "crash-listener.ts"),
        JSON.stringify(config.database),
        String(LEASE_MS),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    try {
      const started = Date.now();
      while (!output.includes("listening") && Date.now() - started < 20_000) await sleep(20);
      await new KithMessageQueue(db).enqueue({ type: "outbox", id: "crash-1" });
      while (!output.includes("claimed") && Date.now() - started < 20_000) await sleep(20);
      assert.match(output, /claimed \{"type":"outbox","id":"crash-1"\}/);

      // Twice the lease later the child still holds it: its heartbeat renews the lease.
      await sleep(LEASE_MS * 2);
      const held = await db.kysely.selectFrom("jobs").selectAll().executeTakeFirstOrThrow();
      assert.ok(held.locked_until! > new Date().toISOString(), "lease kept alive while running");
      assert.equal(held.attempts, 1);
    } finally {
      child.kill("SIGKILL");
      await exitOf(child);
    }

    const seen: unknown[] = [];
    const controller = new AbortController();
    const listening = new KithMessageQueue(db, { pollMs: 100 }).listen((m) => void seen.push(m), {
      signal: controller.signal,
    });
    const killedAt = Date.now();
    while (seen.length === 0 && Date.now() - killedAt < 10_000) await sleep(20);
    controller.abort();
    await listening;
    assert.deepEqual(seen, [{ type: "outbox", id: "crash-1" }]);
    assert.ok(Date.now() - killedAt <= LEASE_MS + 2000, "picked up once the lease ran out");
    assert.equal((await db.kysely.selectFrom("jobs").selectAll().execute()).length, 0);
  });
});
