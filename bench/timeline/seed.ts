// Bulk-loads a Dataset straight into the tables of a migrated Kith database, far faster than
// posting through the API: on SQLite one prepared INSERT per row in a single transaction on a
// raw node:sqlite handle (the server is not running yet); on PostgreSQL multi-row INSERTs of
// unnest()ed arrays, 5,000 rows a statement, in one transaction.
import { DatabaseSync } from "node:sqlite";
import { newId } from "../../src/db/ids.ts";
import { registerFunctions } from "../../src/db/sqlite-connection.ts";
import type { AccountRow, Dataset, StatusBatch, StatusRow } from "./dataset.ts";

const ACCOUNT_COLUMNS = [
  "id",
  "username",
  "domain",
  "uri",
  "url",
  "inbox_url",
  "followers_url",
  "statuses_count",
  "followers_count",
  "last_status_at",
  "created_at",
  "updated_at",
] as const satisfies readonly (keyof AccountRow)[];

const STATUS_COLUMNS = [
  "id",
  "uri",
  "url",
  "account_id",
  "local",
  "thread_id",
  "content",
  "text",
  "visibility",
  "language",
  "created_at",
  "updated_at",
] as const satisfies readonly (keyof StatusRow)[];

const INTEGER_COLUMNS = new Set(["statuses_count", "followers_count", "local"]);
const BATCH = 5000;

export interface SeedSummary {
  statuses: number;
  homeFeedRows: number;
  seconds: number;
  /** The newest IDs (oldest first) that should open the reader's home and the local timeline. */
  newestHome: string[];
  newestLocal: string[];
}

const KEEP = 40;

/** Follows the batches going by, remembering what the first timeline pages should hold. */
function tracker() {
  const newestHome: string[] = [];
  const newestLocal: string[] = [];
  let homeFeedRows = 0;
  const keep = (list: string[], ids: string[]) => {
    list.push(...ids.slice(-KEEP));
    list.splice(0, Math.max(0, list.length - KEEP));
  };
  return {
    see(batch: StatusBatch) {
      homeFeedRows += batch.feed.length;
      keep(newestHome, batch.feed);
      const local = batch.statuses.filter((s) => s.local === 1 && s.visibility === "public");
      keep(
        newestLocal,
        local.map((s) => s.id),
      );
    },
    summary(data: Dataset, t0: number): SeedSummary {
      return {
        statuses: data.options.statuses,
        homeFeedRows,
        seconds: (performance.now() - t0) / 1000,
        newestHome,
        newestLocal,
      };
    },
  };
}

function followRows(data: Dataset, readerId: string) {
  const created = Date.now() - 31 * 86_400_000;
  return data.followed.map((target, k) => ({
    id: newId(created + k),
    account_id: readerId,
    target_account_id: target.id,
    created_at: new Date(created + k).toISOString(),
  }));
}

export function seedSqlite(path: string, data: Dataset, readerId: string): SeedSummary {
  const t0 = performance.now();
  const db = new DatabaseSync(path);
  registerFunctions(db); // the search index's triggers call them
  // A throwaway file: no durability while loading, and a cache big enough for the indexes.
  db.exec("PRAGMA journal_mode = MEMORY");
  db.exec("PRAGMA synchronous = OFF");
  db.exec("PRAGMA cache_size = -1048576");
  db.exec("PRAGMA foreign_keys = ON");
  const insert = (table: string, columns: readonly string[]) =>
    db.prepare(
      `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
    );
  const seen = tracker();
  try {
    db.exec("BEGIN");
    const account = insert("accounts", ACCOUNT_COLUMNS);
    for (const row of data.accounts) account.run(...ACCOUNT_COLUMNS.map((c) => row[c]));
    const status = insert("statuses", STATUS_COLUMNS);
    const feed = insert("home_feed", ["account_id", "status_id"]);
    for (const batch of data.batches(BATCH)) {
      for (const row of batch.statuses) status.run(...STATUS_COLUMNS.map((c) => row[c]));
      for (const id of batch.feed) feed.run(readerId, id);
      seen.see(batch);
    }
    const follow = insert("follows", ["id", "account_id", "target_account_id", "created_at"]);
    for (const f of followRows(data, readerId))
      follow.run(f.id, f.account_id, f.target_account_id, f.created_at);
    db.prepare("UPDATE accounts SET following_count = ? WHERE id = ?").run(
      data.followed.length,
      readerId,
    );
    db.exec("COMMIT");
    // Back to what Kith runs with (the server sets it again when it opens the file).
    db.exec("PRAGMA journal_mode = WAL");
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  } finally {
    db.close();
  }
  return seen.summary(data, t0);
}

type PgClient = import("pg").Client;

/** INSERT … SELECT * FROM unnest($1::text[], …): one round trip for a whole batch of rows. */
async function insertMany<R extends object>(
  client: PgClient,
  table: string,
  columns: readonly (keyof R & string)[],
  rows: readonly R[],
): Promise<void> {
  if (rows.length === 0) return;
  const casts = columns.map((c, i) => `$${i + 1}::${INTEGER_COLUMNS.has(c) ? "int" : "text"}[]`);
  const values = columns.map((c) => rows.map((r) => r[c]));
  await client.query(
    `INSERT INTO ${table} (${columns.join(", ")}) SELECT * FROM unnest(${casts.join(", ")})`,
    values,
  );
}

export async function seedPostgres(
  url: string,
  data: Dataset,
  readerId: string,
): Promise<SeedSummary> {
  const t0 = performance.now();
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  // Ctrl-C drops the database under this connection: let the pending query fail, not the process.
  client.on("error", () => {});
  await client.connect();
  const seen = tracker();
  try {
    await client.query("SET synchronous_commit = off");
    await client.query("BEGIN");
    for (let i = 0; i < data.accounts.length; i += BATCH)
      await insertMany(client, "accounts", ACCOUNT_COLUMNS, data.accounts.slice(i, i + BATCH));
    for (const batch of data.batches(BATCH)) {
      await insertMany(client, "statuses", STATUS_COLUMNS, batch.statuses);
      const feed = batch.feed.map((status_id) => ({ account_id: readerId, status_id }));
      await insertMany(client, "home_feed", ["account_id", "status_id"], feed);
      seen.see(batch);
    }
    const follows = followRows(data, readerId);
    await insertMany(
      client,
      "follows",
      ["id", "account_id", "target_account_id", "created_at"],
      follows,
    );
    await client.query("UPDATE accounts SET following_count = $1 WHERE id = $2", [
      follows.length,
      readerId,
    ]);
    await client.query("COMMIT");
    // What autovacuum would have done shortly after such a load: statistics for the planner
    // and a visibility map for index-only scans.
    await client.query("VACUUM ANALYZE");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
  return seen.summary(data, t0);
}
