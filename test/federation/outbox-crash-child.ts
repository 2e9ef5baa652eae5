// A Kith web process with a worker that dies mid-event, for outbox-crash.test.ts: it serves the
// API (so a post commits its status and its domain event), and its worker takes the event
// jobs with a one-second lease and never finishes them, until the test kills it with SIGKILL.
// Usage: node outbox-crash-child.ts '<test environment as JSON>'
import { DOMAIN_EVENTS_QUEUE } from "../../src/domain/events.ts";
import { startWorker } from "../../src/jobs/worker.ts";
import { startKith } from "../../src/main.ts";
import { testConfig } from "../helpers/databases.ts";

const kith = await startKith(testConfig(JSON.parse(process.argv[2]!)), {
  web: true,
  worker: false,
});
startWorker(kith.ctx.db, {
  handlers: {
    [DOMAIN_EVENTS_QUEUE]: async (payload) => {
      process.stdout.write(`claimed ${JSON.stringify(payload)}\n`);
      await new Promise(() => {});
    },
  },
  leaseMs: 1000,
  pollMs: 100,
});
process.stdout.write("ready\n");
