// The stream bus: how a message about something that happened reaches every process holding
// streaming connections, whichever process it happened in (a web request, a worker's fan-out,
// an inbound activity).
//
// SQLite (one process): a plain call to this process's listeners. Kysely runs everything on
// SQLite's single connection, so whatever a listener reads waits for the writing transaction
// to end, and a message about a rolled-back change finds nothing to render and is dropped.
//
// PostgreSQL: `pg_notify` on the caller's connection, so inside a transaction PostgreSQL
// delivers it only on commit (and never on rollback); each process with streaming clients
// holds one LISTEN connection (db/wakeups.ts, reconnecting with backoff). Messages are IDs
// (messages.ts); the receiver renders.
//
// Publishing costs nothing on SQLite when nobody listens, and one small statement on
// PostgreSQL (where writes already NOTIFY the job queue in the same transactions). A failure to
// publish is logged and swallowed outside transactions: streaming never breaks a write.
// Redis is not used: no Redis client is installed, and PostgreSQL already carries the jobs'
// wake-ups the same way.
import { type Kysely, sql } from "kysely";
import type pg from "pg";
import type { Config } from "../../config.ts";
import type { Database } from "../../db/schema.ts";
import { Wakeups } from "../../db/wakeups.ts";
import { logger } from "../../logging.ts";
import { beforeCommit, type Context } from "../context.ts";
import { decodeMessage, encodeMessages, type StreamMessage } from "./messages.ts";

export const STREAM_CHANNEL = "kith_stream";
/** How the streaming LISTEN connection shows in pg_stat_activity. */
export const STREAM_APPLICATION_NAME = "kith-streaming";

export type StreamListener = (message: StreamMessage) => void;

const log = logger("streaming", "bus");
// One bus per Kith (keyed by its configuration, as domain events are).
const buses = new WeakMap<Config, Wakeups>();

/** This Kith's bus; on PostgreSQL `Client` makes its LISTEN connection (on first listener). */
function busOf(config: Config, Client?: typeof pg.Client): Wakeups {
  let bus = buses.get(config);
  if (bus) return bus;
  const database = config.database;
  bus =
    database.kind === "sqlite" || !Client
      ? new Wakeups()
      : new Wakeups(
          () =>
            new Client({
              connectionString: database.url,
              connectionTimeoutMillis: 10_000,
              keepAlive: true,
              application_name: STREAM_APPLICATION_NAME,
            }),
          STREAM_CHANNEL,
        );
  buses.set(config, bus);
  return bus;
}

/** Is anyone in this process listening? (On SQLite, nobody else can be.) */
export function streamListenersHere(ctx: Context): boolean {
  return buses.get(ctx.config)?.heard ?? false;
}

/** Would a message published now reach anyone? Always assumed on PostgreSQL. */
export function mayHaveStreamListeners(ctx: Context): boolean {
  return ctx.db.dialect === "postgres" || streamListenersHere(ctx);
}

/** Payloads waiting for the end of their transaction (PostgreSQL), by transaction. */
const batches = new WeakMap<Kysely<Database>, string[]>();

/**
 * Tells every streaming process; inside a transaction, on commit (PostgreSQL). A transaction
 * opened by inTransaction sends all its messages in one statement just before its commit.
 */
export async function publishStream(ctx: Context, message: StreamMessage): Promise<void> {
  if (!mayHaveStreamListeners(ctx)) return;
  const payloads = encodeMessages(message);
  if (ctx.db.dialect === "sqlite") {
    const bus = busOf(ctx.config);
    for (const payload of payloads) bus.wake(payload);
    return;
  }
  const trx = ctx.db.kysely;
  const batch = batches.get(trx);
  if (batch) {
    batch.push(...payloads);
    return;
  }
  if (trx.isTransaction) {
    const pending = [...payloads];
    if (beforeCommit(ctx, () => notify(trx, pending))) {
      batches.set(trx, pending);
      return;
    }
  }
  // In a transaction a failed statement would doom it anyway; outside, keep the write whole.
  if (trx.isTransaction) return notify(trx, payloads);
  await notify(trx, payloads).catch((error) => {
    log.warn("Could not publish a streaming event: {error}", { error: String(error) });
  });
}

/** One statement, whatever the number of payloads (delivered in this order). */
async function notify(kysely: Kysely<Database>, payloads: string[]): Promise<void> {
  await sql`SELECT pg_notify(${STREAM_CHANNEL}, p) FROM unnest(${payloads}::text[]) AS p`.execute(
    kysely,
  );
}

/** Hears every message published from now on (any process); returns the way to stop. */
export async function listenToStreams(ctx: Context, listener: StreamListener): Promise<() => void> {
  const Client =
    ctx.config.database.kind === "postgres" ? (await import("pg")).default.Client : undefined;
  return busOf(ctx.config, Client).listen((payload) => {
    const message = decodeMessage(payload);
    if (message) listener(message);
  });
}

/** Closes this Kith's LISTEN connection, if any. */
export async function closeStreamBus(config: Config): Promise<void> {
  const bus = buses.get(config);
  buses.delete(config);
  await bus?.close();
}

/**
 * Resolves once this process hears what other processes publish (PostgreSQL: the LISTEN is
 * up), so a client is not told it is connected while events would still pass it by.
 */
export async function streamBusReady(ctx: Context, timeoutMs = 10_000): Promise<boolean> {
  const bus = buses.get(ctx.config);
  if (ctx.db.dialect === "sqlite" || !bus) return true;
  const deadline = Date.now() + timeoutMs;
  while (!bus.listening) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
