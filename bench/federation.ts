// Federation throughput on SQLite and PostgreSQL, everything on loopback:
//   1. outbound: the time from POST /api/v1/statuses until followers on --instances distinct
//      fake instances (one follower and one inbox each) all have the Create (target ≤ 10 s
//      for 1,000);
//   2. inbound: signed Create(Note) activities POSTed to the shared inbox, --concurrency at a
//      time, accepted (202) and stored per second (target ≥ 300/s).
// Kith runs as `kith serve` (--mode serve: web and worker in one process) or as `kith web`
// plus `kith worker` (--mode split), on a throwaway database that is dropped at the end.
//
// Usage: node bench/federation.ts [--db sqlite|postgres|both] [--mode serve|split]
//          [--part outbound|inbound|both] [--instances N] [--latency MS] [--inbound N]
//          [--concurrency N] [--federation-concurrency N]
// --latency: each fake instance answers a delivery after this many milliseconds (default 0);
// --federation-concurrency: KITH_FEDERATION_CONCURRENCY for Kith (default: Kith's own).
// KITH_BENCH_NODE_OPTIONS is passed to Kith's processes as NODE_OPTIONS (e.g. --cpu-prof).
// PostgreSQL: KITH_BENCH_DATABASE_URL, else KITH_TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres; skipped with a message when unreachable.
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { DatabaseKind } from "../test/helpers/databases.ts";
import { measureInbound } from "./federation/inbound.ts";
import { type Mode, startBenchKith } from "./federation/kith.ts";
import { measureOutbound } from "./federation/outbound.ts";

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    mode: { type: "string", default: "serve" },
    part: { type: "string", default: "both" },
    instances: { type: "string", default: "1000" },
    inbound: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "16" },
    latency: { type: "string", default: "0" },
    "federation-concurrency": { type: "string" },
  },
});
const count = (name: "instances" | "inbound" | "concurrency" | "latency", min = 1) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a positive whole number`);
  return n;
};
const opts = {
  instances: count("instances"),
  inbound: count("inbound"),
  concurrency: count("concurrency"),
  latencyMs: count("latency", 0),
};
const kithEnv: Record<string, string> = {};
if (values["federation-concurrency"])
  kithEnv.KITH_FEDERATION_CONCURRENCY = values["federation-concurrency"];
if (!["sqlite", "postgres", "both"].includes(values.db!))
  throw new Error("--db must be sqlite, postgres or both");
if (!["serve", "split"].includes(values.mode!)) throw new Error("--mode must be serve or split");
const mode = values.mode as Mode;
const kinds: DatabaseKind[] =
  values.db === "both" ? ["sqlite", "postgres"] : [values.db as DatabaseKind];
const PG_ADMIN_URL =
  process.env.KITH_BENCH_DATABASE_URL ||
  process.env.KITH_TEST_DATABASE_URL ||
  "postgres://postgres@127.0.0.1:5432/postgres";
const TARGET_OUTBOUND_S = 10;
const TARGET_INBOUND_PER_S = 300;
const TIMEOUT_MS = 120_000;

async function postgresReachable(): Promise<string | null> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (error) {
    return String(error instanceof Error ? error.message : error);
  }
}

const load = () => loadavg()[0]!.toFixed(1);
const lines: string[] = [];
let failed = false;
const processes = `${mode === "serve" ? "kith serve" : "kith web + kith worker"}, KITH_FEDERATION_CONCURRENCY=${values["federation-concurrency"] ?? "default"}`;
for (const kind of kinds) {
  if (kind === "postgres") {
    const problem = await postgresReachable();
    if (problem) {
      console.log(
        `[postgres] skipped: ${PG_ADMIN_URL.replace(/:[^:@/]*@/, ":…@")} unreachable (${problem})`,
      );
      continue;
    }
  }
  for (const part of ["outbound", "inbound"] as const) {
    if (values.part !== "both" && values.part !== part) continue;
    // A fresh Kith and database for each part, so neither sees the other's rows or jobs.
    let kith: Awaited<ReturnType<typeof startBenchKith>> | undefined;
    try {
      kith = await startBenchKith(kind, mode, PG_ADMIN_URL, kithEnv);
      if (part === "outbound") {
        const r = await measureOutbound(kith, opts.instances, opts.latencyMs, TIMEOUT_MS);
        const line =
          `| ${kith.version} | outbound: 1 post to ${r.instances} instances${opts.latencyMs ? ` answering after ${opts.latencyMs} ms` : ""} | ${(r.lastMs / 1000).toFixed(2)} s to the last inbox ` +
          `(first ${(r.firstMs / 1000).toFixed(2)} s, POST answered in ${r.postMs.toFixed(0)} ms) | ${r.perSecond.toFixed(0)} deliveries/s, ` +
          `${r.duplicates} duplicates | ${r.cpuMsPerDelivery.toFixed(2)} | ${r.kithCpuMsPerDelivery.toFixed(2)} | ${load()} | ${r.lastMs / 1000 <= TARGET_OUTBOUND_S ? "met" : "NOT met"} (≤ ${TARGET_OUTBOUND_S} s) |`;
        lines.push(line);
        console.log(line);
      } else {
        const r = await measureInbound(kith, {
          count: opts.inbound,
          concurrency: opts.concurrency,
          warmUp: 20,
          timeoutMs: TIMEOUT_MS,
        });
        const line =
          `| ${kith.version} | inbound: ${r.count} signed Create(Note), ${r.concurrency} at a time | ` +
          `${r.acceptedPerSecond.toFixed(0)}/s accepted (${(r.acceptMs / 1000).toFixed(2)} s) | ${r.storedPerSecond.toFixed(0)}/s stored (${(r.storeMs / 1000).toFixed(2)} s) | ` +
          `${r.cpuMsPerActivity.toFixed(2)} | ${r.kithCpuMsPerActivity.toFixed(2)} (sender ${r.senderCpuMsPerActivity.toFixed(2)}) | ${load()} | ${r.storedPerSecond >= TARGET_INBOUND_PER_S ? "met" : "NOT met"} (≥ ${TARGET_INBOUND_PER_S}/s stored) |`;
        lines.push(line);
        console.log(line);
      }
    } catch (error) {
      failed = true;
      console.error(`[${kind}] ${part}: ${error instanceof Error ? error.message : error}`);
    } finally {
      await kith?.stop();
    }
  }
}
console.log(
  `\n${processes}; Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ${new Date().toISOString()}\n`,
);
console.log("| database | what | time | rate | CPU ms each | of which Kith | load | target |");
console.log("|:--|:--|:--|:--|--:|--:|--:|:--|");
for (const line of lines) console.log(line);
process.exitCode = failed ? 1 : 0;
