// Fedify's KvStore on Kith's own database (table fedify_kv). Fedify caches remote documents and
// public keys here, remembers processed activities, and keeps circuit-breaker state (through
// cas and list).
//
// Keys are arrays of strings. Each segment is escaped so that it holds neither \u0001 nor \u0000
// and the segments are joined with \u0001: then "starts with this key prefix" is the key itself
// or the range [prefix + \u0001, prefix + \u0002), which the primary key answers (bytewise
// order: see the 0008 migration). No LIKE, so `_` and `%` in URLs match only themselves.
//
// Values are stored as canonical JSON (object keys sorted), so cas can compare them as text.
// Expired entries are invisible to every method; they are deleted now and then on writes and
// by the periodic clean-up (sweepExpiredKv).
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type { ExpressionBuilder } from "kysely";
import type { Db } from "../db/database.ts";
import type { Database } from "../db/schema.ts";
import { durationMs } from "./duration.ts";

const SEP = "\u0001";
const ESC = "\u0002";
const SWEEP_EVERY_MS = 60_000;

/** One string per key: escapes \u0000–\u0002 as \u0002 + "0".."2", joins with \u0001. */
export function encodeKey(key: readonly string[]): string {
  return key
    .map((segment) => {
      let out = "";
      for (const ch of segment) {
        const code = ch.charCodeAt(0);
        out += code <= 2 && ch.length === 1 ? ESC + String(code) : ch;
      }
      return out;
    })
    .join(SEP);
}

export function decodeKey(encoded: string): KvKey {
  return encoded.split(SEP).map((segment) => {
    let out = "";
    for (let i = 0; i < segment.length; i++) {
      if (segment[i] === ESC) {
        out += String.fromCharCode(Number(segment[i + 1]));
        i++;
      } else out += segment[i];
    }
    return out;
  }) as unknown as KvKey;
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? "null";
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === "function") return sortKeys(withJson.toJSON());
  if (Array.isArray(value)) return value.map(sortKeys);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort())
    out[k] = sortKeys((value as Record<string, unknown>)[k]);
  return out;
}

const live = (now: string) => (eb: ExpressionBuilder<Database, "fedify_kv">) =>
  eb.or([eb("fedify_kv.expires_at", "is", null), eb("fedify_kv.expires_at", ">", now)]);

function expiresAt(options?: KvStoreSetOptions): string | null {
  return options?.ttl ? new Date(Date.now() + ttlMs(options.ttl)).toISOString() : null;
}

// Durations are immutable and callers pass the same few constants (the inbox's idempotence
// TTL on every activity): each is worked out once, the polyfill being slow at it.
const ttls = new WeakMap<object, number>();
function ttlMs(ttl: Temporal.Duration): number {
  if (ttl.years || ttl.months || ttl.weeks) return durationMs(ttl); // depends on today
  let ms = ttls.get(ttl);
  if (ms === undefined) ttls.set(ttl, (ms = durationMs(ttl)));
  return ms;
}

/** Deletes expired entries; returns how many. */
export async function sweepExpiredKv(db: Db): Promise<number> {
  const result = await db.kysely
    .deleteFrom("fedify_kv")
    .where("expires_at", "<=", new Date().toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export class KithKvStore implements KvStore {
  readonly #db: Db;
  #lastSweep = 0;

  constructor(db: Db) {
    this.#db = db;
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const row = await this.#db.kysely
      .selectFrom("fedify_kv")
      .select("value")
      .where("key", "=", encodeKey(key))
      .where(live(new Date().toISOString()))
      .executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    if (value === undefined) return this.delete(key);
    const row = { value: canonicalJson(value), expires_at: expiresAt(options) };
    await this.#db.kysely
      .insertInto("fedify_kv")
      .values({ key: encodeKey(key), ...row })
      .onConflict((oc) => oc.column("key").doUpdateSet(row))
      .execute();
    await this.#maybeSweep();
  }

  async delete(key: KvKey): Promise<void> {
    await this.#db.kysely.deleteFrom("fedify_kv").where("key", "=", encodeKey(key)).execute();
  }

  /**
   * Atomic without a transaction: each case is one conditional statement, which both SQLite and
   * PostgreSQL apply to the current row (PostgreSQL re-checks the condition after a concurrent
   * update), so of two racing callers with the same expectation exactly one succeeds.
   */
  async cas(
    key: KvKey,
    expected: unknown,
    value: unknown,
    options?: KvStoreSetOptions,
  ): Promise<boolean> {
    const { kysely } = this.#db;
    const k = encodeKey(key);
    const now = new Date().toISOString();
    if (expected === undefined && value === undefined) {
      return (await this.get(key)) === undefined;
    }
    if (expected === undefined) {
      // Must be absent: insert, or replace only an expired row.
      const row = { value: canonicalJson(value), expires_at: expiresAt(options) };
      const done = await kysely
        .insertInto("fedify_kv")
        .values({ key: k, ...row })
        .onConflict((oc) =>
          oc.column("key").doUpdateSet(row).where("fedify_kv.expires_at", "<=", now),
        )
        .returning("key")
        .executeTakeFirst();
      return done !== undefined;
    }
    if (value === undefined) {
      const done = await kysely
        .deleteFrom("fedify_kv")
        .where("key", "=", k)
        .where("value", "=", canonicalJson(expected))
        .where(live(now))
        .returning("key")
        .executeTakeFirst();
      return done !== undefined;
    }
    const done = await kysely
      .updateTable("fedify_kv")
      .set({ value: canonicalJson(value), expires_at: expiresAt(options) })
      .where("key", "=", k)
      .where("value", "=", canonicalJson(expected))
      .where(live(now))
      .returning("key")
      .executeTakeFirst();
    return done !== undefined;
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    let query = this.#db.kysely
      .selectFrom("fedify_kv")
      .select(["key", "value"])
      .where(live(new Date().toISOString()));
    if (prefix && prefix.length > 0) {
      const p = encodeKey(prefix);
      query = query.where((eb) =>
        eb.or([eb("key", "=", p), eb.and([eb("key", ">=", p + SEP), eb("key", "<", p + ESC)])]),
      );
    }
    for (const row of await query.execute()) {
      yield { key: decodeKey(row.key), value: JSON.parse(row.value) };
    }
  }

  async #maybeSweep(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastSweep < SWEEP_EVERY_MS) return;
    this.#lastSweep = now;
    await sweepExpiredKv(this.#db).catch(() => {});
  }
}
