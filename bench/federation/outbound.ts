// Outbound fan-out: one public post by a local account with one remote follower on each of
// `instances` fake instances (each its own HTTP server on a loopback port, so its own inbox
// and host), timed from POST /api/v1/statuses to the moment the last inbox has the Create.
// A warm-up post to one follower elsewhere loads Fedify in every process first.
import { setTimeout as sleep } from "node:timers/promises";
import {
  addRemoteFollowers,
  type InboxFarm,
  startInboxFarm,
} from "../../test/helpers/inbox-farm.ts";
import { api, createUser } from "../../test/helpers/users.ts";
import type { BenchKith } from "./kith.ts";

export interface OutboundResult {
  instances: number;
  /** POST /api/v1/statuses answered */
  postMs: number;
  firstMs: number;
  lastMs: number;
  perSecond: number;
  cpuMsPerDelivery: number;
  kithCpuMsPerDelivery: number;
  duplicates: number;
}

async function postAndWait(
  kith: BenchKith,
  token: string,
  farm: InboxFarm,
  inboxes: number,
  timeoutMs: number,
) {
  const t0 = performance.now();
  const posted = await api(kith.base, "POST", "/api/v1/statuses", {
    token,
    body: { status: "Hello, fediverse", visibility: "public" },
  });
  const postMs = performance.now() - t0;
  if (posted.status !== 200) throw new Error(`POST /api/v1/statuses: ${posted.status}`);
  const uri: string = posted.json.uri;
  const arrivals = () => farm.arrivals.filter((a) => a.objectId === uri);
  const reached = () => new Set(arrivals().map((a) => a.inbox)).size;
  while (reached() < inboxes) {
    if (performance.now() - t0 > timeoutMs)
      throw new Error(`only ${reached()} of ${inboxes} inboxes had the post after ${timeoutMs} ms`);
    await sleep(5);
  }
  const times = arrivals().map((a) => a.at - t0);
  return {
    postMs,
    firstMs: Math.min(...times),
    lastMs: Math.max(...times),
    duplicates: times.length - inboxes,
  };
}

export async function measureOutbound(
  kith: BenchKith,
  instances: number,
  latencyMs: number,
  timeoutMs: number,
): Promise<OutboundResult> {
  const farm = await startInboxFarm({ instances: instances + 1, delayMs: latencyMs });
  try {
    const [warmUp, ...rest] = farm.instances;
    const author = await createUser(kith.ctx, { username: "author" });
    await addRemoteFollowers(kith.ctx, author.accountId, [
      { username: "early", instance: warmUp!, shared: true },
    ]);
    await postAndWait(kith, author.token, farm, 1, 60_000);
    const inboxes = await addRemoteFollowers(
      kith.ctx,
      author.accountId,
      rest.map((instance, n) => ({ username: `follower${n}`, instance, shared: true })),
    );
    if (inboxes.size !== instances) throw new Error("the followers' inboxes are not distinct");
    const { value, cpuMs, kithCpuMs } = await kith.cpuDuring(() =>
      postAndWait(kith, author.token, farm, instances + 1, timeoutMs),
    );
    return {
      instances,
      ...value,
      perSecond: ((instances + 1) * 1000) / value.lastMs,
      cpuMsPerDelivery: cpuMs / (instances + 1),
      kithCpuMsPerDelivery: kithCpuMs / (instances + 1),
    };
  } finally {
    await farm.close();
  }
}
