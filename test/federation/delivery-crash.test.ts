// A post to 1,000 remote followers survives a worker killed in the middle of its delivery.
// `kith web` and `kith worker` run as their own processes; the followers live on 60 fake
// instances (test/helpers/inbox-farm.ts): on 50 of them the accounts share the instance's
// shared inbox except every tenth, which has only its own; on the other 10 every account has
// only its own inbox (about 300 inboxes in all). Once 60 inboxes have the post, the instances stop answering (deliveries
// in flight stay unacknowledged) and the worker is killed with SIGKILL. A new worker must then
// finish the job: every inbox gets the Create, the unacknowledged ones again, and every copy
// is the same activity.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { exitOf, spawnKith, waitForHttp } from "../helpers/cli.ts";
import { eachDatabase, testConfig } from "../helpers/databases.ts";
import { addRemoteFollowers, type RemoteFollower, startInboxFarm } from "../helpers/inbox-farm.ts";
import { freePort } from "../helpers/server.ts";
import { api, createUser } from "../helpers/users.ts";

const FOLLOWERS = 1000;
const INSTANCES = 60;
const SHARED_INSTANCES = 50;
const KILL_AFTER_INBOXES = 60;

async function until(what: string, done: () => boolean, timeoutMs: number, output: () => string) {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${output()}`);
    await sleep(10);
  }
}

eachDatabase("a delivery to 1,000 followers across a worker crash", (fixture) => {
  it("reaches every inbox once the worker is restarted, each copy the same activity", {
    // About 15 s on an idle machine; the bound leaves room for a busy one.
    timeout: 90_000,
  }, async () => {
    const started = Date.now();
    const phases: string[] = [];
    let phaseStart = started;
    const phase = (name: string) => {
      phases.push(`${name} ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);
      phaseStart = Date.now();
    };
    const { kind, db, config } = fixture();
    const port = await freePort();
    const env: Record<string, string> = {
      KITH_DATA_DIR: config.dataDir,
      ...(config.database.kind === "postgres" ? { DATABASE_URL: config.database.url } : {}),
      PORT: String(port),
      KITH_DEV_MODE: "true",
      KITH_SECRET_KEY: config.secretKey,
      KITH_LOG_LEVEL: "info",
      KITH_RATE_LIMIT_API: "1000000",
    };
    // The same origin as the processes, so that the account is theirs.
    const ctx = { config: testConfig(env), db };
    const alice = await createUser(ctx, { username: "alice" });

    // Slow enough answers that the delivery takes a few seconds.
    const farm = await startInboxFarm({ instances: INSTANCES, delayMs: 10 });
    const followers: RemoteFollower[] = Array.from({ length: FOLLOWERS }, (_, n) => {
      const i = n % INSTANCES;
      return {
        username: `f${n}`,
        instance: farm.instances[i]!,
        shared: i < SHARED_INSTANCES && n % 10 !== 0,
      };
    });
    const expected = await addRemoteFollowers(ctx, alice.accountId, followers);
    phase("set-up");
    assert.ok(expected.size > 250 && expected.size < 350, "both fan-out shapes");

    const children: ChildProcess[] = [];
    const output = () =>
      children.map((c) => (c as ReturnType<typeof spawnKith>).output()).join("\n");
    const startWorker = async () => {
      const worker = spawnKith(["worker", "--no-migrate"], env);
      children.push(worker);
      await until("the worker", () => /Worker .* started/.test(worker.output()), 20_000, output);
      return worker;
    };
    try {
      children.push(spawnKith(["web", "--no-migrate"], env));
      const [, worker] = await Promise.all([
        waitForHttp(`http://127.0.0.1:${port}/health`, 20_000),
        startWorker(),
      ]);
      phase("start");

      const posted = await api(`http://127.0.0.1:${port}`, "POST", "/api/v1/statuses", {
        token: alice.token,
        body: { status: "Hello to all 1,000 of you", visibility: "public" },
      });
      assert.equal(posted.status, 200, JSON.stringify(posted.json));
      const statusUri: string = posted.json.uri;

      const inboxesReached = () => new Set(farm.arrivals.map((a) => a.inbox)).size;
      await until(
        "the first inboxes",
        () => inboxesReached() >= KILL_AFTER_INBOXES,
        30_000,
        output,
      );
      farm.hold();
      const answered = farm.arrivals.length;
      // At least one delivery is then in flight and will never be acknowledged.
      await until("a held delivery", () => farm.arrivals.length > answered, 10_000, output);
      await sleep(50);
      worker.kill("SIGKILL");
      assert.equal(await exitOf(worker), "SIGKILL");
      const reachedBeforeKill = inboxesReached();
      const held = farm.arrivals.slice(answered).map((a) => a.inbox);
      console.log(
        `[${kind}] ${reachedBeforeKill} of ${expected.size} inboxes had the post when the worker was killed ` +
          `(${held.length} deliveries unacknowledged)`,
      );
      assert.ok(reachedBeforeKill < expected.size, "killed before the delivery was done");
      farm.release();
      phase("post to kill");

      await startWorker();
      const copies = () => farm.byInbox();
      await until(
        "every inbox, and the unacknowledged ones again",
        () => {
          const got = copies();
          return (
            [...expected].every((inbox) => got.has(inbox)) &&
            held.every((inbox) => (got.get(inbox)?.length ?? 0) >= 2)
          );
        },
        40_000,
        output,
      );
      phase("restart to done");
      await sleep(300); // a delivery to a wrong inbox would show by now

      const got = copies();
      assert.deepEqual(
        [...got.keys()].sort(),
        [...expected].sort(),
        "exactly the followers' inboxes",
      );
      const ids = new Set(farm.arrivals.map((a) => a.activityId));
      assert.equal(ids.size, 1, `one activity, however often sent: ${[...ids].join(", ")}`);
      for (const arrival of farm.arrivals) {
        assert.equal(arrival.type, "Create");
        assert.equal(arrival.objectId, statusUri);
        assert.ok(arrival.signed, `unsigned delivery to ${arrival.inbox}`);
      }
      const duplicates = farm.arrivals.length - got.size;
      console.log(
        `[${kind}] all ${got.size} inboxes reached after the restart; ${duplicates} received it twice; ` +
          `${((Date.now() - started) / 1000).toFixed(1)} s in all (${phases.join(", ")})`,
      );
    } finally {
      for (const child of children) child.kill("SIGKILL");
      await Promise.all(children.map((c) => exitOf(c).catch(() => {})));
      await farm.close();
    }
  });
});
