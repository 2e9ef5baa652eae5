// A durable job queue in Kith's own database. A job stays in the table until a worker has
// finished it, so nothing is lost when a process dies: an expired lease makes the job due
// again. PostgreSQL workers claim with FOR UPDATE SKIP LOCKED; SQLite has a single writer.
// Jobs that share an ordering key run one at a time, in the order they were enqueued.
//
// Enqueueing wakes the workers (db/wakeups.ts): at once in this process, and on PostgreSQL
// through NOTIFY, sent in the same transaction as the row so it is heard once the row is
// visible. `db` may be a transaction's handle (a Context made inside a transaction): the job
// then commits or rolls back with the rest of the work.

import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { type Kysely, type Selectable, sql } from "kysely";
import type { Db } from "../db/database.ts";
import { newId } from "../db/ids.ts";
import type { Database, JobsTable } from "../db/schema.ts";
import { WAKEUP_CHANNEL } from "../db/wakeups.ts";

export interface EnqueueOptions {
  runAt?: Date;
  /** While a job with this key is pending, enqueueing another one with it does nothing. */
  dedupeKey?: string;
  maxAttempts?: number;
  /** Jobs of a queue with the same key run one at a time, oldest (by ID) first. */
  orderingKey?: string;
}

export interface Job {
  id: string;
  queue: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  orderingKey: string | null;
}

export const DEAD_PREFIX = "dead:";

// Workers of this process that are running, so that leases under this process's own pid
// that none of them holds are known to be a dead predecessor's (a container's pid 1 again).
const workersHere = new Set<string>();

/** An id for a worker of this process, `host:pid:random`; retire it when the worker stops. */
export function newWorkerId(): string {
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  workersHere.add(id);
  return id;
}

export function retireWorkerId(id: string): void {
  workersHere.delete(id);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Frees the jobs leased by workers that ran on this host and no longer run (a crash, a
 * SIGKILL, an OOM kill), so that a restarted worker takes them up at once rather than when
 * their leases run out. Only this host's workers can be checked: leases of other hosts'
 * workers still run out by themselves. Hosts must therefore have distinct host names.
 */
export async function releaseDeadLeases(db: Db): Promise<number> {
  const prefix = `${hostname()}:`;
  const now = new Date().toISOString();
  const rows = await db.kysely
    .selectFrom("jobs")
    .select("locked_by")
    .distinct()
    .where("locked_until", ">", now)
    .where("locked_by", "is not", null)
    .execute();
  const dead = rows
    .map((r) => r.locked_by!)
    .filter((id) => {
      if (!id.startsWith(prefix)) return false;
      const pid = Number(id.slice(prefix.length).split(":")[0]);
      if (!Number.isSafeInteger(pid) || pid <= 0) return false;
      return pid === process.pid ? !workersHere.has(id) : !processExists(pid);
    });
  if (dead.length === 0) return 0;
  const result = await db.kysely
    .updateTable("jobs")
    .set({ locked_until: null, locked_by: null })
    .where("locked_by", "in", dead)
    .where("locked_until", ">", now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function enqueue(
  db: Db,
  queue: string,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<void> {
  await insertJob(db, queue, jobRow(queue, payload, options));
}

/**
 * A job due this much later wakes no worker: the first poll after it falls due takes it
 * (workers poll every second unless told otherwise), so it is at most one poll late. Waking
 * them would cost a claim that finds nothing, e.g. for every status's follow-up fallback,
 * due a minute later.
 */
export const NO_WAKE_BEYOND_MS = 10_000;

async function insertJob(db: Db, queue: string, row: PreparedJob): Promise<void> {
  const insert = db.kysely
    .insertInto("jobs")
    .values(row)
    .onConflict((oc) => oc.column("dedupe_key").doNothing());
  if (Date.parse(row.run_at) - Date.parse(row.created_at) > NO_WAKE_BEYOND_MS) {
    await insert.execute();
    return;
  }
  if (db.dialect === "postgres") {
    // The row and its NOTIFY in one statement: one round trip and one commit, not two.
    await db.kysely
      .with("inserted", () => insert)
      .selectNoFrom(notifySql(db, queue).as("notified"))
      .execute();
  } else await insert.execute();
  db.wakeups.wake(queue);
}
/** Enqueues all of `payloads` or none (one transaction), in order. */
export async function enqueueMany(
  db: Db,
  queue: string,
  payloads: readonly unknown[],
  options: EnqueueOptions = {},
): Promise<void> {
  if (payloads.length === 0) return;
  const rows = payloads.map((p) => jobRow(queue, p, { ...options, dedupeKey: undefined }));
  await insertJobs(db, queue, rows);
}

/** A job to enqueue later with `enqueueJobs`: its payload and ID are fixed now. */
export type PreparedJob = ReturnType<typeof jobRow>;

export const prepareJob = (queue: string, payload: unknown, options: EnqueueOptions = {}) =>
  jobRow(queue, payload, options);

/**
 * Enqueues prepared jobs of `queue`, each with its own options, all or none (one transaction),
 * in the order they were prepared. A job whose dedupe key is pending is left out.
 */
export async function enqueueJobs(db: Db, queue: string, jobs: readonly PreparedJob[]) {
  if (jobs.length > 1) return insertJobs(db, queue, jobs);
  if (jobs.length === 1) await insertJob(db, queue, jobs[0]!);
}

async function insertJobs(db: Db, queue: string, rows: readonly PreparedJob[]): Promise<void> {
  const insert = async (k: Kysely<Database>) => {
    // Chunks stay below SQLite's limit of bound parameters per statement.
    for (let i = 0; i < rows.length; i += 500) {
      await k
        .insertInto("jobs")
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.column("dedupe_key").doNothing())
        .execute();
    }
    // Other processes hear it at the commit (and, inside a caller's transaction, this one too).
    if (db.dialect === "postgres") await sql`SELECT ${notifySql(db, queue)}`.execute(k);
  };
  // Kysely cannot nest transactions: inside one, the caller's is the one to join.
  if (db.kysely.isTransaction) await insert(db.kysely);
  else await db.kysely.transaction().execute(insert);
  // After our own commit, so that this process's workers find the rows. (Woken before it, as
  // they were, they could claim nothing and ignore the NOTIFY's echo: a poll's wait lost.)
  db.wakeups.wake(queue);
}

/**
 * The NOTIFY for `queue`. Outside a transaction this process's workers are woken at once
 * (the row is committed), so the payload names this process and its own listener skips the
 * echo; a transaction's NOTIFY is what wakes them after the commit.
 */
function notifySql(db: Db, queue: string) {
  const payload = db.kysely.isTransaction ? queue : db.wakeups.ownPayload(queue);
  return sql<unknown>`pg_notify(${WAKEUP_CHANNEL}, ${payload})`;
}

function jobRow(queue: string, payload: unknown, options: EnqueueOptions) {
  const now = new Date();
  return {
    id: newId(),
    queue,
    payload: JSON.stringify(payload ?? null),
    run_at: (options.runAt ?? now).toISOString(),
    max_attempts: options.maxAttempts ?? 10,
    locked_until: null,
    locked_by: null,
    last_error: null,
    dedupe_key: options.dedupeKey ?? null,
    created_at: now.toISOString(),
    ordering_key: options.orderingKey ?? null,
  };
}

/** Takes the oldest due job of the given queues for `leaseMs`, or returns null. */
export async function claim(
  db: Db,
  queues: string[],
  workerId: string,
  leaseMs: number,
): Promise<Job | null> {
  return (await claimMany(db, queues, workerId, leaseMs, 1))[0] ?? null;
}

/**
 * Takes up to `limit` of the oldest due jobs in one statement, oldest first. Of the jobs that
 * share an ordering key only the oldest can be due, so one claim never takes two of them.
 */
export async function claimMany(
  db: Db,
  queues: string[],
  workerId: string,
  leaseMs: number,
  limit: number,
): Promise<Job[]> {
  if (queues.length === 0 || limit < 1) return [];
  const now = new Date();
  const nowIso = now.toISOString();
  let candidate = db.kysely
    .selectFrom("jobs")
    .select("id")
    .where("queue", "in", queues)
    .where("run_at", "<=", nowIso)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", nowIso)]))
    // A keyed job waits while an older job with its key is pending or one is in flight.
    .where((eb) =>
      eb.or([
        eb("ordering_key", "is", null),
        eb.not(
          eb.exists(
            eb
              .selectFrom("jobs as o")
              .select("o.id")
              .whereRef("o.queue", "=", "jobs.queue")
              .whereRef("o.ordering_key", "=", "jobs.ordering_key")
              .whereRef("o.id", "!=", "jobs.id")
              .where((o) =>
                o.or([o("o.id", "<", o.ref("jobs.id")), o("o.locked_until", ">=", nowIso)]),
              ),
          ),
        ),
      ]),
    )
    .orderBy("run_at")
    .orderBy("id")
    .limit(limit);
  if (db.dialect === "postgres") candidate = candidate.forUpdate().skipLocked();
  const rows = await db.kysely
    .updateTable("jobs")
    .set({
      locked_until: new Date(now.getTime() + leaseMs).toISOString(),
      locked_by: workerId,
      attempts: sql`attempts + 1`,
    })
    .where("id", "in", (eb) => eb.selectFrom(candidate.as("c")).select("c.id"))
    .returningAll()
    .execute();
  // RETURNING gives no order; IDs are snowflakes, so they sort by age within a run_at.
  rows.sort((a, b) =>
    a.run_at === b.run_at ? compareIds(a.id, b.id) : a.run_at < b.run_at ? -1 : 1,
  );
  return rows.map(toJob);
}

function compareIds(a: string, b: string): number {
  return a.length === b.length ? (a < b ? -1 : a > b ? 1 : 0) : a.length - b.length;
}

function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    queue: row.queue,
    payload: JSON.parse(row.payload),
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    orderingKey: row.ordering_key,
  };
}

/** Keeps a job leased to `workerId` while its handler is still running. */
export async function extendLease(
  db: Db,
  job: Job,
  workerId: string,
  leaseMs: number,
): Promise<void> {
  await db.kysely
    .updateTable("jobs")
    .set({ locked_until: new Date(Date.now() + leaseMs).toISOString() })
    .where("id", "=", job.id)
    .where("locked_by", "=", workerId)
    .execute();
}

export async function complete(db: Db, job: Job): Promise<void> {
  await db.kysely.deleteFrom("jobs").where("id", "=", job.id).execute();
}

/** Schedules a retry with exponential backoff, or parks the job as dead after its last try. */
export async function fail(db: Db, job: Job, error: unknown): Promise<"retry" | "dead"> {
  const message = error instanceof Error ? error.message : String(error);
  const dead = job.attempts >= job.maxAttempts;
  const backoffMs =
    Math.min(2 ** job.attempts * 1000, 6 * 3600 * 1000) * (0.75 + Math.random() * 0.5);
  await db.kysely
    .updateTable("jobs")
    .set({
      queue: dead ? `${DEAD_PREFIX}${job.queue}` : job.queue,
      run_at: new Date(Date.now() + (dead ? 0 : backoffMs)).toISOString(),
      locked_until: null,
      locked_by: null,
      last_error: message.slice(0, 2000),
      dedupe_key: dead ? null : undefined,
    })
    .where("id", "=", job.id)
    .execute();
  return dead ? "dead" : "retry";
}

export interface QueueCounts {
  pending: number;
  dead: number;
}

export async function counts(db: Db): Promise<QueueCounts> {
  const rows = await db.kysely
    .selectFrom("jobs")
    .select([
      (eb) => eb.fn.countAll().as("n"),
      sql<number>`CASE WHEN queue LIKE 'dead:%' THEN 1 ELSE 0 END`.as("dead"),
    ])
    .groupBy(sql`CASE WHEN queue LIKE 'dead:%' THEN 1 ELSE 0 END`)
    .execute();
  let pending = 0;
  let dead = 0;
  for (const r of rows) {
    if (Number(r.dead) === 1) dead = Number(r.n);
    else pending = Number(r.n);
  }
  return { pending, dead };
}
