// Unavailable hosts, as Mastodon's: deliveries that fail (a server that refuses connections)
// are counted once a day per host; on the seventh failure day the host is marked unavailable
// and nothing more is planned or sent to it, until it answers again: a verified activity from
// it, a probe it answers, or an admin clearing it; a delivery it accepts forgets its failures.
// Over real HTTP on both databases.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { createExponentialBackoffPolicy } from "@fedify/fedify";
import type { Context } from "../../src/domain/context.ts";
import {
  clearDeliveryFailures,
  FAILURE_DAYS_THRESHOLD,
  hostOf,
  listDeliveryFailures,
  recordDeliveryFailure,
} from "../../src/federation/outbox/availability.ts";
import { planDelivery } from "../../src/federation/outbox/plans.ts";
import { probeUnavailableHosts } from "../../src/federation/outbox/probe.ts";
import { OUTBOX_RETRY } from "../../src/federation/outbox/retry.ts";
import { toDuration } from "../../src/federation/temporal.ts";
import { type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { deliveriesOf, deliveriesWhere } from "../helpers/recording-inbox.ts";
import { eachServer } from "../helpers/server.ts";
import { api } from "../helpers/users.ts";
import { inboxesOf, setUpWorld, type World } from "./outbox-world.ts";

const DAY_MS = 86_400_000;

/** Failures on each of the last `days` days (today included), oldest first. */
async function failOnDays(ctx: Context, origin: string, days: number) {
  const inbox = `${origin}/inbox`;
  for (let ago = days - 1; ago >= 0; ago--)
    await recordDeliveryFailure(ctx, inbox, "test failure", new Date(Date.now() - ago * DAY_MS));
}

async function failuresOf(ctx: Context, host: string) {
  return (await listDeliveryFailures(ctx)).find((f) => f.host === host);
}

async function until<T>(probe: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  let value = await probe();
  while (!value && Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await probe();
  }
  return value;
}

eachServer("unavailable hosts", (server) => {
  let w: World;
  let fake: FakeFediverse;
  let remote: FakeActor;
  before(async () => {
    w = await setUpWorld(server());
    fake = await FakeFediverse.start();
    remote = await fake.actor(`${fake.origin}/users/ivy`);
  });
  after(async () => {
    await w.close();
    await fake.stop();
  });

  const post = async (body: Record<string, unknown>) => {
    const r = await api(w.base, "POST", "/api/v1/statuses", { token: w.alice.token, body });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json as { id: string; uri: string };
  };

  it("counts each failure day once and marks the host unavailable on the seventh", async () => {
    const host = "counted.example";
    const inbox = `https://${host}/inbox`;
    await failOnDays(w.ctx, `https://${host}`, FAILURE_DAYS_THRESHOLD - 1);
    assert.equal(await recordDeliveryFailure(w.ctx, inbox, "again today"), false);
    const failing = await failuresOf(w.ctx, host);
    assert.equal(failing?.failureDays, FAILURE_DAYS_THRESHOLD - 1, "a day counts once");
    assert.equal(failing?.unavailableSince, null, "not before the seventh day");
    const tomorrow = new Date(Date.now() + DAY_MS);
    assert.equal(await recordDeliveryFailure(w.ctx, inbox, "later", tomorrow), true);
    const marked = await failuresOf(w.ctx, host);
    assert.equal(marked?.failureDays, FAILURE_DAYS_THRESHOLD);
    assert.ok(marked?.unavailableSince);
    assert.equal(marked.lastError, "later");
    assert.equal(await clearDeliveryFailures(w.ctx, host), true);
  });

  it("records real failed deliveries to a server that is down, up to unavailable", async () => {
    const dave = w.r2.user("dave");
    const host = hostOf(dave.inbox);
    await w.r2.close(); // connections to r2 are refused from now on
    await post({ status: "@dave@r2.test are you there?", visibility: "direct" });
    const first = await until(() => failuresOf(w.ctx, host));
    assert.equal(first?.failureDays, 1);
    assert.equal(first?.unavailableSince, null);
    // As if it had failed on the six days before as well.
    await w.ctx.db.kysely
      .updateTable("delivery_failures")
      .set({
        failure_days: FAILURE_DAYS_THRESHOLD - 1,
        last_failure_day: new Date(Date.now() - DAY_MS).toISOString().slice(0, 10),
      })
      .where("host", "=", host)
      .execute();
    await post({ status: "@dave@r2.test still not?", visibility: "direct" });
    const marked = await until(async () => (await failuresOf(w.ctx, host))?.unavailableSince);
    assert.ok(marked, "marked unavailable");
    const listed = await listDeliveryFailures(w.ctx, { unavailableOnly: true });
    assert.deepEqual(
      listed.map((f) => f.host),
      [host],
    );
  });

  it("plans and sends nothing to an unavailable host; clearing it resumes deliveries", async () => {
    const r1Host = hostOf(w.r1.origin);
    await failOnDays(w.ctx, w.r1.origin, FAILURE_DAYS_THRESHOLD);
    const skipped = await post({ status: "Not for r1", visibility: "public" });
    const plan = await planDelivery(w.ctx, { type: "status.created", statusId: skipped.id });
    assert.deepEqual(
      plan?.recipients.map((r) => r.uri),
      [w.r3.user("frank").uri],
      "r1's followers are not even planned for",
    );
    const got = await deliveriesOf(w.all, `${skipped.uri}/activity`, 1);
    assert.deepEqual(inboxesOf(got), [w.r3.user("frank").inbox]);

    assert.equal(await clearDeliveryFailures(w.ctx, r1Host), true);
    const resumed = await post({ status: "For r1 again", visibility: "public" });
    assert.deepEqual(
      inboxesOf(await deliveriesOf(w.all, `${resumed.uri}/activity`, 2)),
      w.followerInboxes,
    );
    // By now the skipped post would have reached r1 had it been queued.
    assert.deepEqual(inboxesOf(await deliveriesOf(w.all, `${skipped.uri}/activity`, 1)), [
      w.r3.user("frank").inbox,
    ]);
  });

  it("drops a delivery queued before its host became unavailable", async () => {
    const plan = await planDelivery(w.ctx, {
      type: "account.updated",
      accountId: w.alice.accountId,
    });
    assert.ok(plan);
    await failOnDays(w.ctx, w.r3.origin, FAILURE_DAYS_THRESHOLD);
    const { deliver } = await import("../../src/federation/outbox/deliver.ts");
    await deliver(w.ctx, plan);
    const updates = await deliveriesWhere(w.all, (d) => d.activity?.type === "Update", 1);
    assert.deepEqual(inboxesOf(updates), [`${w.r1.origin}/inbox`]);
    // Fedify queued a message for frank's inbox too; the worker drops it unsent.
    const toR3 = async () => {
      const rows = await w.ctx.db.kysely
        .selectFrom("jobs")
        .select("payload")
        .where("queue", "=", "fedify")
        .execute();
      return rows.filter((r) => JSON.parse(r.payload).inbox?.startsWith(w.r3.origin)).length;
    };
    assert.equal(await until(async () => (await toR3()) === 0), true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(
      w.r3.deliveries.filter((d) => d.activity?.type === "Update"),
      [],
    );
    assert.equal(await clearDeliveryFailures(w.ctx, hostOf(w.r3.origin)), true);
  });

  it("forgets a failing host's failures when it accepts a delivery", async () => {
    const r3Host = hostOf(w.r3.origin);
    await failOnDays(w.ctx, w.r3.origin, 3);
    const status = await post({ status: "r3 is back", visibility: "public" });
    assert.equal((await deliveriesOf([w.r3], `${status.uri}/activity`, 1)).length, 1);
    assert.equal(await until(async () => !(await failuresOf(w.ctx, r3Host))), true);
  });

  it("makes a host available again when it sends a verified activity", async () => {
    const host = new URL(fake.origin).host;
    await failOnDays(w.ctx, fake.origin, FAILURE_DAYS_THRESHOLD);
    assert.ok((await failuresOf(w.ctx, host))?.unavailableSince);
    const follow = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${remote.id}#follows/${crypto.randomUUID()}`,
      type: "Follow",
      actor: remote.id,
      object: w.aliceUri,
    };
    const response = await fake.post(remote, `${w.base}/inbox`, follow);
    assert.equal(response.status, 202);
    // Cleared by the Follow, the host gets its Accept.
    const accept = await fake.waitFor(() =>
      fake.received.find((r) => r.json?.type === "Accept" && r.url === remote.inbox),
    );
    assert.equal(accept.json.actor, w.aliceUri);
    assert.equal(await failuresOf(w.ctx, host), undefined);
  });

  it("probes unavailable hosts: one that answers is back, one that does not stays out", async () => {
    const answering = new URL(fake.origin).host;
    const down = hostOf(w.r2.origin); // closed since the second test
    await failOnDays(w.ctx, fake.origin, FAILURE_DAYS_THRESHOLD);
    assert.deepEqual(await probeUnavailableHosts(w.ctx), [answering]);
    assert.ok(fake.requested.includes(`${fake.origin}/.well-known/nodeinfo`));
    assert.equal(await failuresOf(w.ctx, answering), undefined);
    assert.ok((await failuresOf(w.ctx, down))?.unavailableSince, "still unavailable");
  });
});

it("retries a delivery for two to three days, as Mastodon", () => {
  const span = (jitter: number) => {
    const random = Math.random;
    Math.random = () => jitter;
    try {
      const policy = createExponentialBackoffPolicy(OUTBOX_RETRY);
      let total = 0;
      for (let attempts = 0; ; attempts++) {
        const elapsedTime = toDuration(Math.round(total * 1000));
        const delay = policy({ attempts, elapsedTime });
        if (!delay) return { total, retries: attempts };
        total += delay.total("second");
      }
    } finally {
      Math.random = random;
    }
  };
  const shortest = span(0);
  const longest = span(0.999_999);
  assert.equal(shortest.retries, 14);
  const hours = (s: number) => s / 3600;
  assert.ok(hours(shortest.total) > 48, `${hours(shortest.total)} h`);
  assert.ok(hours(longest.total) < 72, `${hours(longest.total)} h`);
});
