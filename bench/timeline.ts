// Home and local timeline latency and throughput on a large instance, on SQLite and PostgreSQL.
//
// Seeds a throwaway database (default: 1,000,000 statuses from 10,000 accounts, one reader
// following 1,000 of them, see timeline/dataset.ts), starts `kith serve` on it, checks that the
// first pages are the expected statuses, then times GET /api/v1/timelines/home (reader's token)
// and GET /api/v1/timelines/public?local=true (anonymous and signed in): a warm-up, then
// --requests requests one at a time (latency) and again --concurrency at a time (throughput).
//
// Usage: node bench/timeline.ts [--db sqlite|postgres|both] [--statuses N] [--accounts N]
//          [--follows N] [--requests N] [--warmup N] [--concurrency N] [--seed-only]
// PostgreSQL: KITH_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
// names a server where a kith_bench_… database is created and dropped again.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { type Config, loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { createLocalAccount } from "../src/domain/accounts/admin.ts";
import { issueToken } from "../src/domain/oauth/tokens.ts";
import { isLocalPostgres } from "./timeline/cpu.ts";
import { makeDataset } from "./timeline/dataset.ts";
import { drive, freePort, startServer } from "./timeline/load.ts";
import { printTable, printVerdicts, type ReportRow } from "./timeline/report.ts";
import { type SeedSummary, seedPostgres, seedSqlite } from "./timeline/seed.ts";

type Kind = "sqlite" | "postgres";

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    statuses: { type: "string", default: "1000000" },
    accounts: { type: "string", default: "10000" },
    follows: { type: "string", default: "1000" },
    requests: { type: "string", default: "2000" },
    warmup: { type: "string", default: "200" },
    concurrency: { type: "string", default: "8" },
    "seed-only": { type: "boolean", default: false },
  },
});
const count = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
  return n;
};
const opts = {
  statuses: count("statuses"),
  accounts: count("accounts"),
  follows: count("follows"),
  requests: count("requests"),
  warmup: count("warmup"),
  concurrency: count("concurrency"),
};
if (!["sqlite", "postgres", "both"].includes(values.db!))
  throw new Error("--db must be sqlite, postgres or both");
const kinds: Kind[] = values.db === "both" ? ["sqlite", "postgres"] : [values.db as Kind];
const PG_ADMIN_URL =
  process.env.KITH_TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const TARGET_P99_MS = 25;

// Clean-ups run in reverse order on the way out, whether by success, error or Ctrl-C.
const cleanups: (() => Promise<void>)[] = [];
async function cleanUp() {
  while (cleanups.length > 0) await cleanups.pop()!().catch((e) => console.error(e));
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    cleanUp().finally(() => process.exit(130));
  });
}

async function throwaway(kind: Kind): Promise<Record<string, string>> {
  const dataDir = mkdtempSync(join(tmpdir(), `kith-bench-timeline-${kind}-`));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  if (kind === "sqlite") return { KITH_DATA_DIR: dataDir };
  const { default: pg } = await import("pg");
  const name = `kith_bench_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = async (query: string) => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    try {
      await client.query(query);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  cleanups.push(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { KITH_DATA_DIR: dataDir, DATABASE_URL: url.toString() };
}

async function benchOne(kind: Kind, rows: ReportRow[]): Promise<void> {
  const port = await freePort();
  const env = {
    ...(await throwaway(kind)),
    HOST: "127.0.0.1",
    PORT: String(port),
    KITH_ORIGIN: `http://localhost:${port}`,
    KITH_SECRET_KEY: "bench-secret-bench-secret-bench-secret-0123",
    KITH_LOG_LEVEL: "warning",
    // The benchmark is one client sending thousands of requests: lift the per-client limit.
    KITH_RATE_LIMIT_API: "1000000",
  };
  const config = loadConfig(env);
  const db = await openDatabase(config.database);
  const ctx = { config, db };
  let readerId: string;
  let token: string;
  let version: string;
  try {
    await migrateToLatest(db);
    const reader = await createLocalAccount(ctx, {
      username: "reader",
      email: "reader@bench.example",
      password: "correct horse battery staple",
    });
    readerId = reader.accountId;
    token = (await issueToken(ctx, { applicationId: null, accountId: readerId, scopes: ["read"] }))
      .accessToken;
  } finally {
    await db.close();
  }
  const data = makeDataset({ ...opts, origin: config.origin });
  console.log(`[${kind}] seeding ${opts.statuses.toLocaleString("en")} statuses…`);
  let seeded: SeedSummary;
  if (config.database.kind === "sqlite") {
    seeded = seedSqlite(config.database.path, data, readerId);
    const probe = new DatabaseSync(config.database.path, { readOnly: true });
    version = `SQLite ${(probe.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v}`;
    probe.close();
  } else {
    seeded = await seedPostgres(config.database.url, data, readerId);
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: config.database.url });
    client.on("error", () => {});
    await client.connect();
    const shown: string = (await client.query("SHOW server_version")).rows[0].server_version;
    version = `PostgreSQL ${shown.split(" ")[0]}`;
    await client.end();
  }
  console.log(
    `[${kind}] seeded in ${seeded.seconds.toFixed(1)} s: ${seeded.homeFeedRows.toLocaleString("en")} home_feed rows (${version})`,
  );
  if (values["seed-only"]) return;

  const server = await startServer(env, port);
  cleanups.push(() => server.stop());
  const serverPids = await serverProcesses(config.database, server.pid);
  const timelines = [
    {
      name: "home",
      path: "/api/v1/timelines/home",
      auth: true,
      expected: seeded.newestHome,
    },
    {
      name: "local",
      path: "/api/v1/timelines/public?local=true",
      auth: false,
      expected: seeded.newestLocal,
    },
    {
      name: "local, signed in",
      path: "/api/v1/timelines/public?local=true",
      auth: true,
      expected: seeded.newestLocal,
    },
  ];
  for (const t of timelines) {
    const url = `${server.base}${t.path}`;
    const headers: Record<string, string> = t.auth ? { Authorization: `Bearer ${token}` } : {};
    await checkFirstPage(url, headers, t.expected, t.name);
    await drive(url, headers, opts.warmup, 1, serverPids);
    for (const concurrency of [1, opts.concurrency]) {
      const result = await drive(url, headers, opts.requests, concurrency, serverPids);
      rows.push({ database: version, timeline: t.name, result });
      console.log(
        `[${kind}] ${t.name} c=${concurrency}: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.perSecond.toFixed(0)} req/s, ` +
          `CPU ${result.cpuPerRequest.toFixed(2)} ms/req (Kith ${result.kithCpuPerRequest.toFixed(2)}), load ${result.load.toFixed(1)}`,
      );
    }
  }
}

/**
 * The processes doing the server's work: Kith, and on PostgreSQL the backends connected to the
 * benchmark's database when they run on this machine (looked up at each sample, as the pool
 * may open connections during a run).
 */
async function serverProcesses(database: Config["database"], kithPid: number) {
  if (database.kind === "sqlite") return async () => [kithPid];
  const { default: pg } = await import("pg");
  const monitor = new pg.Client({ connectionString: database.url });
  monitor.on("error", () => {}); // the clean-up drops its database under it
  await monitor.connect();
  cleanups.push(() => monitor.end());
  return async () => {
    const { rows } = await monitor.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    return [kithPid, ...rows.map((r) => r.pid).filter(isLocalPostgres)];
  };
}

/** The first page must be the newest statuses the seed put there, or the figures mean nothing. */
async function checkFirstPage(
  url: string,
  headers: Record<string, string>,
  expected: string[],
  name: string,
) {
  const response = await fetch(url, { headers });
  const body = await response.text();
  if (response.status !== 200)
    throw new Error(`${name}: ${url} answered ${response.status}: ${body.slice(0, 300)}`);
  const got = (JSON.parse(body) as { id: string }[]).map((s) => s.id);
  const want = expected.slice(-20).reverse(); // Mastodon's default page size
  if (got.join() !== want.join())
    throw new Error(
      `${name}: the first page is not the ${want.length} newest seeded statuses\n  got  ${got.join(" ")}\n  want ${want.join(" ")}`,
    );
}

const rows: ReportRow[] = [];
let failed = false;
try {
  for (const kind of kinds) {
    try {
      await benchOne(kind, rows);
    } finally {
      await cleanUp();
    }
  }
} catch (error) {
  failed = true;
  console.error(error instanceof Error ? error.message : error);
}
if (rows.length > 0) {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `\n${opts.statuses.toLocaleString("en")} statuses, ${opts.accounts.toLocaleString("en")} accounts, reader follows ${opts.follows.toLocaleString("en")}; ` +
      `${opts.requests} requests per run after ${opts.warmup} warm-up; Node ${process.version}, ${cpus().length} × ${cpu}, ${new Date().toISOString()}\n`,
  );
  printTable(rows);
  printVerdicts(rows, TARGET_P99_MS);
}
process.exitCode = failed ? 1 : 0;
