// Inbound throughput: a fake remote server with a real RSA key (test/helpers/fake-fediverse.ts)
// POSTs `count` signed (draft-cavage) Create(Note) activities to Kith's shared inbox,
// `concurrency` at a time. A local account follows the sender, so each note concerns someone
// here and is stored. Requests are signed before the clock starts (signing is the sender's
// cost, not Kith's); acceptance is timed to the last 202, processing until the database holds
// every note (the statuses count, polled). The sender shares the machine's cores with Kith, so
// it sends with node:http over `concurrency` kept-alive connections (fetch cost three times
// as much CPU per request), and its own CPU time is reported apart.
import { Agent, request as httpRequest } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { insertFollow } from "../../test/federation/outbox-world.ts";
import { insertRemoteAccount } from "../../test/helpers/accounts.ts";
import { AS_CONTEXT, type FakeActor, FakeFediverse } from "../../test/helpers/fake-fediverse.ts";
import { createUser } from "../../test/helpers/users.ts";
import type { BenchKith } from "./kith.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

export interface InboundResult {
  count: number;
  concurrency: number;
  acceptedPerSecond: number;
  storedPerSecond: number;
  acceptMs: number;
  storeMs: number;
  cpuMsPerActivity: number;
  kithCpuMsPerActivity: number;
  senderCpuMsPerActivity: number;
}

interface Prepared {
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
}

async function prepare(request: Request): Promise<Prepared> {
  return {
    url: new URL(request.url),
    headers: Object.fromEntries(request.headers),
    body: Buffer.from(await request.arrayBuffer()),
  };
}

/** POSTs one prepared request; resolves with the status once the answer is read. */
function post(agent: Agent, r: Prepared): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      r.url,
      {
        method: "POST",
        agent,
        headers: { ...r.headers, "content-length": String(r.body.length) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(r.body);
  });
}

function create(actor: FakeActor, n: number) {
  const id = `${actor.id}/statuses/${n}`;
  const published = new Date().toISOString();
  const object = {
    id,
    type: "Note",
    attributedTo: actor.id,
    content: `<p>Note number ${n} from far away</p>`,
    published,
    url: id,
    to: [PUBLIC],
    cc: [actor.followers],
  };
  return {
    "@context": AS_CONTEXT,
    id: `${id}/activity`,
    type: "Create",
    actor: actor.id,
    published,
    to: object.to,
    cc: object.cc,
    object,
  };
}

export async function measureInbound(
  kith: BenchKith,
  options: { count: number; concurrency: number; warmUp: number; timeoutMs: number },
): Promise<InboundResult> {
  const fake = await FakeFediverse.start();
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  try {
    const actor = await fake.actor(`${fake.origin}/users/poster`, {
      endpoints: { sharedInbox: `${fake.origin}/inbox` },
    });
    const reader = await createUser(kith.ctx, { username: "reader" });
    const remoteId = await insertRemoteAccount(kith.ctx.db, {
      username: "poster",
      domain: new URL(fake.origin).host,
      uri: actor.id,
      inbox: actor.inbox,
      sharedInbox: `${fake.origin}/inbox`,
    });
    await insertFollow(kith.ctx, reader.accountId, remoteId);
    const stored = async () =>
      Number(
        (
          await kith.ctx.db.kysely
            .selectFrom("statuses")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("account_id", "=", remoteId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const inbox = `${kith.base}/inbox`;
    let senderCpuMs = 0;
    const send = async (first: number, count: number, concurrency: number) => {
      const requests = await Promise.all(
        Array.from({ length: count }, async (_, i) =>
          prepare(await fake.sign(actor, inbox, create(actor, first + i))),
        ),
      );
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < requests.length) {
            const status = await post(agent, requests[next++]!);
            if (status !== 202) throw new Error(`the shared inbox answered ${status}, not 202`);
          }
        }),
      );
      const acceptMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      senderCpuMs = (cpu.user + cpu.system) / 1000;
      const want = first + count;
      while ((await stored()) < want) {
        if (performance.now() - t0 > options.timeoutMs)
          throw new Error(
            `${await stored()} of ${want} notes stored after ${options.timeoutMs} ms`,
          );
        await sleep(20);
      }
      return { acceptMs, storeMs: performance.now() - t0 };
    };
    // The first activities fetch the actor and load Fedify in the worker.
    await send(0, options.warmUp, 1);
    const { value, cpuMs, kithCpuMs } = await kith.cpuDuring(() =>
      send(options.warmUp, options.count, options.concurrency),
    );
    return {
      count: options.count,
      concurrency: options.concurrency,
      ...value,
      acceptedPerSecond: (options.count * 1000) / value.acceptMs,
      storedPerSecond: (options.count * 1000) / value.storeMs,
      cpuMsPerActivity: cpuMs / options.count,
      kithCpuMsPerActivity: kithCpuMs / options.count,
      senderCpuMsPerActivity: senderCpuMs / options.count,
    };
  } finally {
    agent.destroy();
    await fake.stop();
  }
}
