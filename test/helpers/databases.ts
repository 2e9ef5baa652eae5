// The two-database harness. `eachDatabase` runs a block of tests once on SQLite and once on
// PostgreSQL, each time on a fresh, migrated, throwaway database that is removed afterwards.
//
// PostgreSQL runs when KITH_TEST_DATABASE_URL points at a server (any database on it; Kith
// connects there only to create and drop its own `kith_test_…` databases). Without it the
// PostgreSQL pass is skipped and says so. `.ci/run` always sets it.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import { type Config, loadConfig } from "../../src/config.ts";
import { type Db, openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import type { Context } from "../../src/domain/context.ts";

export type DatabaseKind = "sqlite" | "postgres";

export const POSTGRES_ADMIN_URL = process.env.KITH_TEST_DATABASE_URL ?? "";
export const POSTGRES_SKIP_REASON =
  "PostgreSQL pass skipped: set KITH_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run it";

/** A throwaway database of one kind; `env` holds the settings that point Kith at it. */
export interface ThrowawayDatabase {
  kind: DatabaseKind;
  env: Record<string, string>;
  dataDir: string;
  drop(): Promise<void>;
}

/** `adminUrl` (a server where databases may be created) is for the benchmarks. */
export async function createThrowawayDatabase(
  kind: DatabaseKind,
  adminUrl = POSTGRES_ADMIN_URL,
): Promise<ThrowawayDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), `kith-test-${kind}-`));
  if (kind === "sqlite") {
    return {
      kind,
      dataDir,
      env: { KITH_DATA_DIR: dataDir },
      async drop() {
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const { default: pg } = await import("pg");
  const name = `kith_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    dataDir,
    env: { KITH_DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The settings every test Kith runs with, in process or as a spawned `kith` command. */
export const TEST_ENV: Readonly<Record<string, string>> = {
  KITH_DEV_MODE: "true",
  KITH_SECRET_KEY: "test-secret-test-secret-test-secret-0123",
  KITH_LOG_LEVEL: "warning",
  // Every test server sees all requests from 127.0.0.1; the rate-limit tests set their own.
  KITH_RATE_LIMIT_API: "1000000",
  KITH_RATE_LIMIT_SIGN_UPS: "1000000",
  KITH_RATE_LIMIT_SIGN_INS: "1000000",
};

/** Configuration for tests: development mode, a fixed secret, and the given overrides. */
export function testConfig(env: Record<string, string>): Config {
  return loadConfig({ ...TEST_ENV, ...env });
}

export interface DatabaseFixture {
  kind: DatabaseKind;
  ctx: Context;
  db: Db;
  config: Config;
}

/**
 * Runs `body` once per database kind, inside describe blocks named "[sqlite]" and "[postgres]".
 * `fixture()` gives the migrated database of the current pass (valid inside tests and hooks).
 */
export function eachDatabase(
  title: string,
  body: (fixture: () => DatabaseFixture) => void,
  options: { env?: Record<string, string> } = {},
): void {
  for (const kind of ["sqlite", "postgres"] as const) {
    const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
    describe(`${title} [${kind}]`, { skip }, () => {
      let throwaway: ThrowawayDatabase | undefined;
      let current: DatabaseFixture | undefined;
      before(async () => {
        throwaway = await createThrowawayDatabase(kind);
        const config = testConfig({ ...throwaway.env, ...options.env });
        const db = await openDatabase(config.database);
        await migrateToLatest(db);
        current = { kind, db, config, ctx: { config, db } };
      });
      after(async () => {
        await current?.db.close();
        await throwaway?.drop();
      });
      body(() => {
        if (!current)
          throw new Error("the database fixture is only available inside tests and hooks");
        return current;
      });
    });
  }
}
