// Opens Kith's database: an embedded SQLite file through node:sqlite, or PostgreSQL through a
// pg pool. Everything above this file sees one Kysely<Database> and never the dialect,
// except where a query genuinely differs (see `dialect`).
import {
  type DialectAdapter,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  sql,
} from "kysely";
import type { Config } from "../config.ts";
import { statementReusingPool } from "./postgres-statements.ts";
import type { Database } from "./schema.ts";
import { openSqlite } from "./sqlite-connection.ts";
import { WAKEUP_APPLICATION_NAME, Wakeups } from "./wakeups.ts";

export type Dialect = "sqlite" | "postgres";

// SQLite does roll back DDL inside a transaction; Kysely's adapter just does not claim it.
// Claiming it makes the migrator run all pending migrations in one transaction, as on PostgreSQL.
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class KithSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** Wakes job workers when jobs are enqueued, here and (PostgreSQL) in other processes. */
  wakeups: Wakeups;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// Named statements per connection. Fourteen timeline, notification and account endpoints use 44
// distinct texts, which hold 4 MiB in the backend (the big timeline ones ~90 KiB each); the
// bound stops texts like `IN (…)` lists of every length from piling up beyond that.
const MAX_STATEMENTS = 200;

// PostgreSQL plans a prepared statement afresh for its first five runs, then keeps a generic plan
// only if its estimated cost is close to the custom plans'. Kith's timeline queries end in
// `LIMIT $n`, which the generic estimate takes for 10% of the table, so "auto" re-plans them on
// every request (1–3 ms each) although the generic plan is the very same index walk. Checked
// on the benchmark's 1M statuses (home, local and public signed in and out, tag timelines with
// a common and a 5-status tag, notifications, favourites, an account's statuses for a busy and
// an empty account, an old page): the generic plans run as fast as the custom ones or faster.
// JIT must be off with them: the inflated estimate crosses jit_above_cost and compiling takes
// 15–700 ms per execution; a web server's short queries never gain from JIT anyway. A new query
// whose best plan depends on its values (a skewed column) gets one plan for all of them: check
// it with `EXPLAIN EXECUTE` under these settings.
export const PLANNER_SETTINGS = { plan_cache_mode: "force_generic_plan", jit: "off" };

export async function openDatabase(config: Config["database"]): Promise<Db> {
  if (config.kind === "sqlite") {
    const kysely = new Kysely<Database>({
      // Kysely serialises all work on this single connection: SQLite's single writer.
      dialect: new KithSqliteDialect({ database: openSqlite(config.path) }),
    });
    return wrap(kysely, "sqlite", new Wakeups());
  }
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its connection emits 'error'; without a listener that kills the
  // process. The next query gets a fresh client, so logging is enough.
  pool.on("error", () => {});
  const kysely = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: statementReusingPool(pool, {
        maxStatementsPerConnection: MAX_STATEMENTS,
        sessionSettings: PLANNER_SETTINGS,
      }),
    }),
  });
  // Outside the pool: a LISTEN holds its connection for good.
  const wakeups = new Wakeups(
    () =>
      new pg.Client({
        connectionString: config.url,
        connectionTimeoutMillis: 10_000,
        keepAlive: true,
        application_name: WAKEUP_APPLICATION_NAME,
      }),
  );
  return wrap(kysely, "postgres", wakeups);
}

function wrap(kysely: Kysely<Database>, dialect: Dialect, wakeups: Wakeups): Db {
  let closed = false;
  return {
    kysely,
    dialect,
    wakeups,
    async ping() {
      await sql`SELECT 1`.execute(kysely);
    },
    async close() {
      if (closed) return;
      closed = true;
      await wakeups.close();
      await kysely.destroy();
    },
  };
}
