// Adapts node:sqlite's DatabaseSync to the better-sqlite3-shaped interface that Kysely's
// SqliteDialect expects, so Kith needs no native SQLite addon.
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { SqliteDatabase, SqliteStatement } from "kysely";
import { hasLink, searchText } from "./search-text.ts";

type SqliteValue = null | number | bigint | string | Uint8Array;

/** node:sqlite binds only these types; booleans and dates are turned into what we store. */
function toSqlite(value: unknown): SqliteValue {
  if (value === undefined || value === null) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "string")
    return value;
  if (value instanceof Uint8Array) return value;
  return JSON.stringify(value);
}

class Statement implements SqliteStatement {
  readonly reader: boolean;
  readonly #statement: StatementSync;

  constructor(statement: StatementSync) {
    this.#statement = statement;
    this.reader = statement.columns().length > 0;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.#statement.all(...parameters.map(toSqlite));
  }

  run(parameters: ReadonlyArray<unknown>) {
    const { changes, lastInsertRowid } = this.#statement.run(...parameters.map(toSqlite));
    return { changes, lastInsertRowid };
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.#statement.iterate(...parameters.map(toSqlite)) as IterableIterator<unknown>;
  }
}

/** The SQL functions the search index's triggers and queries call (search-text.ts). Whatever
 * writes statuses into a Kith file needs them, not only Kith's own connection. */
export function registerFunctions(db: DatabaseSync): void {
  db.function("kith_search_text", { deterministic: true }, (content, spoiler) =>
    searchText(content as string | null, spoiler as string | null),
  );
  db.function("kith_has_link", { deterministic: true }, (content) =>
    hasLink(content as string | null) ? 1 : 0,
  );
}

/** Opens the file with the pragmas Kith relies on; statements are cached by their SQL. */
export function openSqlite(path: string): SqliteDatabase {
  const db = new DatabaseSync(path, { timeout: 5000 });
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA busy_timeout = 5000");
  registerFunctions(db);
  const cache = new Map<string, Statement>();
  return {
    close: () => {
      cache.clear();
      if (db.isOpen) db.close();
    },
    prepare(query: string): SqliteStatement {
      // Kysely opens transactions with a plain (deferred) BEGIN. A deferred transaction that
      // reads and then writes while another process (a `kith worker`) has written meanwhile
      // fails at once with SQLITE_BUSY, without waiting: the busy timeout cannot help it.
      // Taking the write lock at BEGIN makes such a transaction wait its turn instead.
      const sql = /^\s*begin\s*$/i.test(query) ? "BEGIN IMMEDIATE" : query;
      let statement = cache.get(sql);
      if (!statement) {
        statement = new Statement(db.prepare(sql));
        if (cache.size >= 500) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
