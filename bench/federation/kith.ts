// Kith as the federation benchmark runs it: its own processes on a throwaway database, either
// `kith serve` (web and worker in one process) or `kith web` + `kith worker`, and a handle on
// the same database for seeding and counting. CPU time is read for Kith's processes and, when
// PostgreSQL runs on this machine, the backends connected to the benchmark's database.
import type { ChildProcess } from "node:child_process";
import { sql } from "kysely";
import { loadConfig } from "../../src/config.ts";
import { type Db, openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import type { Context } from "../../src/domain/context.ts";
import { exitOf, spawnKith, waitForHttp } from "../../test/helpers/cli.ts";
import { createThrowawayDatabase, type DatabaseKind } from "../../test/helpers/databases.ts";
import { isLocalPostgres, sample, used } from "../timeline/cpu.ts";
import { freePort } from "../timeline/load.ts";

export type Mode = "serve" | "split";

export interface BenchKith {
  base: string;
  ctx: Context;
  version: string;
  /** CPU milliseconds Kith and local PostgreSQL backends, and Kith alone, used while `work` ran. */
  cpuDuring<T>(work: () => Promise<T>): Promise<{ value: T; cpuMs: number; kithCpuMs: number }>;
  stop(): Promise<void>;
}

export async function startBenchKith(
  kind: DatabaseKind,
  mode: Mode,
  adminUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<BenchKith> {
  const throwaway = await createThrowawayDatabase(kind, adminUrl);
  const children: (ChildProcess & { output: () => string })[] = [];
  let db: Db | undefined;
  const stop = async () => {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((c) => exitOf(c, 20_000).catch(() => {})));
    await db?.close();
    await throwaway.drop();
  };
  try {
    const port = await freePort();
    const env = {
      ...throwaway.env,
      PORT: String(port),
      KITH_DEV_MODE: "true", // loopback peers over plain HTTP
      KITH_SECRET_KEY: "bench-secret-bench-secret-bench-secret-0123",
      KITH_LOG_LEVEL: "error",
      KITH_RATE_LIMIT_API: "1000000",
      ...extraEnv,
      ...(process.env.KITH_BENCH_NODE_OPTIONS
        ? { NODE_OPTIONS: process.env.KITH_BENCH_NODE_OPTIONS }
        : {}),
    };
    const config = loadConfig(env);
    db = await openDatabase(config.database);
    await migrateToLatest(db);
    const version = await databaseVersion(db);
    const commands = mode === "serve" ? [["serve"]] : [["web"], ["worker"]];
    for (const args of commands) children.push(spawnKith([...args, "--no-migrate"], env));
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/health`, 60_000).catch((error) => {
      throw new Error(`${error}\n${children.map((c) => c.output()).join("\n")}`);
    });
    const ownDb = db;
    const pids = async () => {
      const kith = children.map((c) => c.pid!);
      if (kind !== "postgres") return kith;
      const { rows } = await sql<{ pid: number }>`
        SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`.execute(ownDb.kysely);
      return [...kith, ...rows.map((r) => Number(r.pid)).filter(isLocalPostgres)];
    };
    return {
      base,
      ctx: { config, db },
      version,
      async cpuDuring(work) {
        const before = sample(await pids());
        const value = await work();
        const after = sample(await pids());
        const kith = new Set(children.map((c) => c.pid!));
        const only = (cpu: typeof before) => new Map([...cpu].filter(([pid]) => kith.has(pid)));
        return { value, cpuMs: used(before, after), kithCpuMs: used(only(before), only(after)) };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function databaseVersion(db: Db): Promise<string> {
  if (db.dialect === "sqlite") {
    const { rows } = await sql<{ v: string }>`SELECT sqlite_version() AS v`.execute(db.kysely);
    return `SQLite ${rows[0]!.v}`;
  }
  const { rows } = await sql<{
    v: string;
  }>`SELECT current_setting('server_version') AS v`.execute(db.kysely);
  return `PostgreSQL ${rows[0]!.v.split(" ")[0]}`;
}
