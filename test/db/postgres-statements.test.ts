import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { type Db, openDatabase, PLANNER_SETTINGS } from "../../src/db/database.ts";
import { migrateToLatest, pendingMigrations } from "../../src/db/migrate.ts";
import {
  isStalePlanError,
  statementName,
  statementReusingPool,
} from "../../src/db/postgres-statements.ts";
import { Wakeups } from "../../src/db/wakeups.ts";
import {
  createThrowawayDatabase,
  POSTGRES_ADMIN_URL,
  POSTGRES_SKIP_REASON,
  type ThrowawayDatabase,
  testConfig,
} from "../helpers/databases.ts";

// biome-ignore lint/suspicious/noExplicitAny: these tests use ad-hoc tables
type AnyDb = Kysely<any>;

const skip = POSTGRES_ADMIN_URL ? false : POSTGRES_SKIP_REASON;

describe("PostgreSQL statement reuse", { skip }, () => {
  let throwaway: ThrowawayDatabase;
  let url: string;
  const opened: { destroy(): Promise<void> }[] = [];

  /** Kith's wrapped pool, with a small pool and statement bound to make tests sharp. */
  function open(options: { poolSize?: number; max?: number } = {}): AnyDb {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 1 });
    pool.on("error", () => {});
    const kysely: AnyDb = new Kysely({
      dialect: new PostgresDialect({
        pool: statementReusingPool(pool, {
          maxStatementsPerConnection: options.max ?? 200,
          sessionSettings: PLANNER_SETTINGS,
        }),
      }),
    });
    opened.push(kysely);
    return kysely;
  }

  /** Kysely as it was: unnamed statements on a plain pool. */
  function openPlain(): AnyDb {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on("error", () => {}); // as open(): an idle client's lost connection is not a failure
    const kysely: AnyDb = new Kysely({ dialect: new PostgresDialect({ pool }) });
    opened.push(kysely);
    return kysely;
  }

  /** Runs SQL on a separate connection, as another process (a migration) would. */
  async function elsewhere(text: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  }

  async function prepared(kysely: AnyDb): Promise<string[]> {
    const { rows } = await sql<{
      statement: string;
    }>`SELECT statement FROM pg_prepared_statements ORDER BY statement`.execute(kysely);
    return rows.map((r) => r.statement);
  }

  before(async () => {
    throwaway = await createThrowawayDatabase("postgres");
    url = throwaway.env.DATABASE_URL!;
  });
  after(async () => {
    for (const k of opened) await k.destroy();
    await throwaway.drop();
  });

  it("prepares a statement once per connection and reuses it by name", async () => {
    const k = open();
    for (let i = 0; i < 3; i++) {
      const { rows } = await sql<{ n: number }>`SELECT ${i}::int + 1 AS n`.execute(k);
      assert.equal(rows[0]!.n, i + 1);
    }
    const text = "SELECT $1::int + 1 AS n";
    const { rows } = await sql<{ name: string; runs: string }>`
      SELECT name, generic_plans + custom_plans AS runs
      FROM pg_prepared_statements WHERE statement = ${text}`.execute(k);
    assert.equal(rows.length, 1, "one prepared statement for the three executions");
    assert.equal(rows[0]!.name, statementName(text));
    assert.equal(Number(rows[0]!.runs), 3);
  });

  it("openDatabase uses it, and Kith's migrations run through it", async () => {
    const fresh = await createThrowawayDatabase("postgres");
    const db: Db = await openDatabase(testConfig(fresh.env).database);
    try {
      assert.ok((await migrateToLatest(db)).applied.length > 5);
      assert.deepEqual(await pendingMigrations(db), []);
      await sql`SELECT 42 AS answer`.execute(db.kysely);
      assert.ok((await prepared(db.kysely)).includes("SELECT 42 AS answer"));
      // The planner settings database.ts gives every connection (see the comment there).
      const { rows } = await sql<{
        mode: string;
        jit: string;
      }>`SELECT current_setting('plan_cache_mode') AS mode, current_setting('jit') AS jit`.execute(
        db.kysely,
      );
      assert.deepEqual(rows, [{ mode: "force_generic_plan", jit: "off" }]);
      for (let i = 0; i < 3; i++) await sql`SELECT ${i}::int AS n`.execute(db.kysely);
      const plans = await sql<{ generic: string; custom: string }>`
        SELECT generic_plans AS generic, custom_plans AS custom
        FROM pg_prepared_statements WHERE statement = 'SELECT $1::int AS n'`.execute(db.kysely);
      assert.deepEqual(
        plans.rows.map((r) => [Number(r.generic), Number(r.custom)]),
        [[3, 0]],
      );
    } finally {
      await db.close();
      await fresh.drop();
    }
  });

  it("gives the same results as unnamed statements, before and after the generic plan", async () => {
    await elsewhere(`CREATE TABLE typed (id bigint PRIMARY KEY, n int, big bigint, t text,
      at timestamptz, flag boolean, doc jsonb, amount numeric, gone text)`);
    await elsewhere(`INSERT INTO typed SELECT g, g % 7, g * 10000000000, 'row ' || g,
      '2026-01-01T00:00:00Z'::timestamptz + g * interval '1 hour', g % 2 = 0,
      jsonb_build_object('g', g), g / 3.0, NULL FROM generate_series(1, 500) g`);
    const named = open();
    const plain = openPlain();
    const queries = (k: AnyDb, i: number) => [
      k
        .selectFrom("typed")
        .selectAll()
        .where("id", ">", i * 40)
        .orderBy("id")
        .limit(5),
      k
        .selectFrom("typed")
        .select((eb) => [eb.fn.countAll().as("c"), eb.fn.max("at").as("latest")])
        .where("n", "=", i % 7),
      k
        .selectFrom("typed")
        .select(["id", "doc"])
        .where("t", "in", [`row ${i}`, `row ${i + 1}`]),
    ];
    // Eight rounds, as PostgreSQL's default plans a statement afresh five times, then may cache.
    for (let i = 0; i < 8; i++) {
      const a = queries(named, i);
      const b = queries(plain, i);
      for (let q = 0; q < a.length; q++)
        assert.deepEqual(await a[q]!.execute(), await b[q]!.execute(), `query ${q}, round ${i}`);
    }
    assert.equal(
      (await prepared(named)).filter((s) => s.includes('"typed"')).length,
      3,
      "three texts, three statements",
    );
    assert.deepEqual(await prepared(plain), [], "the plain pool prepares nothing");
  });

  it("keeps at most the bound of named statements per connection", async () => {
    const k = open({ max: 5 });
    for (let i = 0; i < 30; i++) {
      const ids = Array.from({ length: i + 1 }, (_, j) => j);
      const rows = await k
        .selectFrom("typed")
        .select("id")
        .where("id", "in", ids)
        .orderBy("id")
        .execute();
      assert.equal(rows.length, i, `IN list of ${i + 1} (id 0 does not exist)`);
    }
    assert.equal((await prepared(k)).length, 5);
  });

  it("does not name transaction control or schema changes; transactions still commit and roll back", async () => {
    const k = open();
    await k.schema.createTable("tx_t").addColumn("id", "integer").execute();
    await k.transaction().execute(async (tx) => {
      await tx.insertInto("tx_t").values({ id: 1 }).execute();
    });
    await assert.rejects(
      k.transaction().execute(async (tx) => {
        await tx.insertInto("tx_t").values({ id: 2 }).execute();
        throw new Error("changed my mind");
      }),
      /changed my mind/,
    );
    const rows = await k.selectFrom("tx_t").select("id").execute();
    assert.deepEqual(rows, [{ id: 1 }]);
    const texts = await prepared(k);
    assert.ok(texts.length > 0);
    for (const text of texts) assert.match(text, /^(select|insert)/i, text);
  });

  it("retries a statement whose cached plan went stale on a fresh connection", async () => {
    await elsewhere("CREATE TABLE t (a int)");
    await elsewhere("INSERT INTO t VALUES (1)");
    const k = open({ poolSize: 3 });
    // Prepare `SELECT * FROM t` on all three connections of the pool.
    await Promise.all(
      [0, 1, 2].map(() =>
        k.transaction().execute(async (tx) => {
          await tx.selectFrom("t").selectAll().execute();
          await sql`SELECT pg_sleep(0.05)`.execute(tx);
        }),
      ),
    );
    const direct = new pg.Client({ connectionString: url });
    await direct.connect();
    try {
      await direct.query({ name: "stale", text: "SELECT * FROM t" });
      await elsewhere("ALTER TABLE t ADD COLUMN b text DEFAULT 'new'");
      // What the wrapper has to absorb: the error PostgreSQL gives a cached statement.
      await assert.rejects(direct.query({ name: "stale", text: "SELECT * FROM t" }), (e) =>
        isStalePlanError(e),
      );
    } finally {
      await direct.end();
    }
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(await k.selectFrom("t").selectAll().execute(), [{ a: 1, b: "new" }]);
    }
  });

  it("lets a stale plan fail inside a transaction, then recovers outside it", async () => {
    await elsewhere("CREATE TABLE u (a int)");
    await elsewhere("INSERT INTO u VALUES (1)");
    const k = open();
    await k.selectFrom("u").selectAll().execute();
    await elsewhere("ALTER TABLE u ADD COLUMN b int DEFAULT 2");
    await assert.rejects(
      k.transaction().execute(async (tx) => {
        await tx.insertInto("u").values({ a: 5 }).execute();
        await tx.selectFrom("u").selectAll().execute();
      }),
      (e) => isStalePlanError(e),
    );
    // The transaction rolled back (no a = 5), and the next one runs on a fresh connection.
    await k.transaction().execute(async (tx) => {
      assert.deepEqual(await tx.selectFrom("u").selectAll().execute(), [{ a: 1, b: 2 }]);
    });
  });

  it("runs migrations that read, alter and read a table again in one transaction", async () => {
    const k = open();
    const db: Db = {
      kysely: k,
      dialect: "postgres",
      wakeups: new Wakeups(),
      ping: async () => {},
      close: async () => {},
    };
    const report = await migrateToLatest(db, {
      "0001_make": {
        up: async (m: AnyDb) => {
          await m.schema.createTable("m").addColumn("a", "integer").execute();
          await m.insertInto("m").values({ a: 1 }).execute();
        },
      },
      "0002_change": {
        up: async (m: AnyDb) => {
          assert.deepEqual(await m.selectFrom("m").selectAll().execute(), [{ a: 1 }]);
          await m.schema
            .alterTable("m")
            .addColumn("b", "integer", (c) => c.defaultTo(7))
            .execute();
          assert.deepEqual(await m.selectFrom("m").selectAll().execute(), [{ a: 1, b: 7 }]);
        },
      },
    });
    assert.deepEqual(report.applied, ["0001_make", "0002_change"]);
    assert.deepEqual(await k.selectFrom("m").selectAll().execute(), [{ a: 1, b: 7 }]);
  });

  it("still runs several statements in one text", async () => {
    const k = open();
    await sql.raw("CREATE TABLE multi (a int); INSERT INTO multi VALUES (3)").execute(k);
    assert.deepEqual(await k.selectFrom("multi").selectAll().execute(), [{ a: 3 }]);
  });
});
