// Makes PostgreSQL reuse query plans. Kysely's driver sends every query as an unnamed
// statement, so PostgreSQL parses and plans it on every request; planning the timeline queries
// (the visibility rule is ~15 sub-queries) costs far more than running them. This wraps the pg
// pool so that each connection prepares a SQL text once, under a name derived from the text,
// and afterwards only binds and executes it (see docs/benchmarks.md).
import { createHash } from "node:crypto";
import type { PostgresPool, PostgresPoolClient } from "kysely";
import type pg from "pg";

export interface StatementPoolOptions {
  /**
   * Named statements one connection keeps at most. Further SQL texts run unnamed: texts with
   * `IN (…)` lists of every length would otherwise grow each backend's memory without end.
   */
  maxStatementsPerConnection: number;
  /** Settings applied to each new connection, e.g. `{ plan_cache_mode: "force_generic_plan" }`. */
  sessionSettings?: Record<string, string>;
}

/** SQLSTATE 0A000 "cached plan must not change result type" (a `SELECT *` after ALTER TABLE). */
export function isStalePlanError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === "0A000" && typeof message === "string" && message.includes("cached plan must not")
  );
}

/** Only plain reads and writes are worth preparing; anything else runs unnamed. */
const REUSABLE = new Set(["select", "insert", "update", "delete", "with", "values", "table"]);
/** Statements that may change what a prepared statement returns (migrations). */
const SCHEMA_CHANGE = new Set(["create", "alter", "drop", "do"]);

function firstKeyword(text: string): string {
  const match = /^(?:\s|\(|--[^\n]*\n|\/\*[\s\S]*?\*\/)*([A-Za-z]+)/.exec(text);
  return match?.[1]?.toLowerCase() ?? "";
}

/** Short, stable name for a SQL text: the same on every connection and every process. */
export function statementName(text: string): string {
  // Lowercase hex, so an operator can `EXECUTE`/`DEALLOCATE` it in psql without quoting.
  return `kith_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
}

/** What a SQL text is, worked out once per text: its first keyword, and its name if reusable. */
interface TextFacts {
  keyword: string;
  name: string | null;
}
const facts = new Map<string, TextFacts>();
const MAX_FACTS = 2000;

function factsOf(text: string): TextFacts {
  let known = facts.get(text);
  if (!known) {
    const keyword = firstKeyword(text);
    // Several statements in one text only run unnamed (the simple protocol).
    const reusable = REUSABLE.has(keyword) && !text.includes(";");
    known = { keyword, name: reusable ? statementName(text) : null };
    if (facts.size >= MAX_FACTS) facts.clear();
    facts.set(text, known);
  }
  return known;
}

interface ConnectionState {
  /** Order of creation: connections up to `Shared.staleUpTo` must be replaced. */
  serial: number;
  /** Names prepared on this connection (a subset of what pg itself remembers). */
  names: Set<string>;
  /** Ran schema changes: no more named statements, destroy on release. */
  discard: boolean;
}

interface Shared {
  pool: pg.Pool;
  max: number;
  /** SQL run once on each new connection, or "" for none. */
  setUp: string;
  states: WeakMap<pg.PoolClient, ConnectionState>;
  serial: number;
  staleUpTo: number;
}

/**
 * A pool for Kysely's PostgresDialect whose clients run statements by name, prepared once per
 * connection. Outside a transaction, a statement whose cached plan went stale (the schema
 * changed under it) is retried once on a fresh connection; inside one the error surfaces, as
 * the transaction is already aborted. Either way the connections that were open when the
 * schema changed are replaced, since all of them may hold stale statements.
 */
export function statementReusingPool(pool: pg.Pool, options: StatementPoolOptions): PostgresPool {
  const shared: Shared = {
    pool,
    max: options.maxStatementsPerConnection,
    setUp: Object.entries(options.sessionSettings ?? {})
      .map(([name, value]) => `SET ${name} = ${value}`)
      .join("; "),
    states: new WeakMap(),
    serial: 0,
    staleUpTo: 0,
  };
  return {
    // Kysely opens a separate client of this class to cancel a running query.
    Client: (pool as unknown as { Client?: PostgresPool["Client"] }).Client,
    options: pool.options,
    connect: async () => {
      const [client, state] = await checkOut(shared);
      return new StatementClient(shared, client, state);
    },
    end: () => pool.end(),
  };
}

async function checkOut(shared: Shared): Promise<[pg.PoolClient, ConnectionState]> {
  for (;;) {
    const client = await shared.pool.connect();
    let state = shared.states.get(client);
    if (!state) {
      if (shared.setUp) {
        try {
          await client.query(shared.setUp);
        } catch (error) {
          client.release(true);
          throw error;
        }
      }
      state = { serial: ++shared.serial, names: new Set(), discard: false };
      shared.states.set(client, state);
    }
    if (!state.discard && state.serial > shared.staleUpTo) return [client, state];
    // An idle connection from before a schema change: close it and take another.
    client.release(true);
  }
}

type QueryResult = pg.QueryResult<Record<string, unknown>>;

class StatementClient implements PostgresPoolClient {
  #shared: Shared;
  #client: pg.PoolClient | null;
  #state: ConnectionState;

  constructor(shared: Shared, client: pg.PoolClient, state: ConnectionState) {
    this.#shared = shared;
    this.#client = client;
    this.#state = state;
  }

  // Kysely reads the backend's process id to cancel queries. After a retry on a fresh
  // connection it keeps the old one, so a cancel then misses; Kith does not cancel queries.
  get processID(): number | undefined {
    return (this.#client as { processID?: number } | null)?.processID;
  }

  // biome-ignore lint/suspicious/noExplicitAny: mirrors Kysely's overloaded PostgresClient.query
  query(textOrCursor: any, values?: ReadonlyArray<unknown>): any {
    const client = this.#current();
    // Cursors (streaming) and query objects pass through untouched.
    if (typeof textOrCursor !== "string") return client.query(textOrCursor);
    return this.#run(client, textOrCursor, values ?? []);
  }

  release(destroy?: boolean | Error): void {
    const client = this.#client;
    if (!client) return;
    this.#client = null;
    const stale = this.#state.discard || this.#state.serial <= this.#shared.staleUpTo;
    client.release(destroy || stale ? true : undefined);
  }

  #current(): pg.PoolClient {
    if (!this.#client) throw new Error("PostgreSQL client used after release");
    return this.#client;
  }

  async #run(client: pg.PoolClient, text: string, values: ReadonlyArray<unknown>) {
    const name = this.#nameFor(text);
    if (!name) return client.query(text, values as unknown[]);
    // The status PostgreSQL reported when it became ready for this query: "I" = no transaction.
    const autocommit = client.getTransactionStatus() === "I";
    try {
      return await client.query<Record<string, unknown>>({ name, text, values: [...values] });
    } catch (error) {
      if (!isStalePlanError(error)) throw error;
      this.#shared.staleUpTo = this.#shared.serial;
      // In a transaction the failure already aborted it: retrying would run outside it.
      if (!autocommit) throw error;
      return this.#retry(text, values);
    }
  }

  // The failed statement never started executing, so running it again cannot repeat a write.
  async #retry(text: string, values: ReadonlyArray<unknown>): Promise<QueryResult> {
    this.#client?.release(true);
    this.#client = null;
    const [client, state] = await checkOut(this.#shared);
    this.#client = client;
    this.#state = state;
    const name = this.#nameFor(text);
    if (!name) return client.query(text, values as unknown[]);
    return client.query({ name, text, values: [...values] });
  }

  /** The name to run `text` under on this connection, or null to run it unnamed. */
  #nameFor(text: string): string | null {
    const state = this.#state;
    if (state.discard) return null;
    const { keyword, name } = factsOf(text);
    if (!name) {
      // Statements prepared before a schema change may fail afterwards: keep none of them.
      if (SCHEMA_CHANGE.has(keyword)) state.discard = true;
      return null;
    }
    if (state.names.has(name)) return name;
    if (state.names.size >= this.#shared.max) return null;
    state.names.add(name);
    return name;
  }
}
