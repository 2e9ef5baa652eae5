// Unavailable hosts, as Mastodon's DeliveryFailureTracker: each day on which a delivery to a
// host's inbox fails counts once; on the seventh such day without the host answering in
// between, it is marked unavailable, and deliveries to it are skipped (not queued) until it
// answers again: any verified activity it sends us, a probe it answers (probe.ts), or an
// admin's `kith federation clear`. A delivery it accepts (or answers with a client error: it
// is up) forgets the failures of a host not yet unavailable. Hosts are inbox URL
// hosts (`example.com`, or `127.0.0.1:8080` with a port), which Fedify's circuit breaker
// counts by too. No Fedify here: planning and the CLI use it.
import { sql } from "kysely";
import type { Context } from "../../domain/context.ts";
import { logger } from "../../logging.ts";

/** Distinct failure days before a host is marked unavailable (Mastodon's threshold). */
export const FAILURE_DAYS_THRESHOLD = 7;

const log = logger("federation", "availability");

export interface DeliveryFailures {
  host: string;
  failureDays: number;
  firstFailedAt: string;
  lastFailedAt: string;
  lastError: string | null;
  /** null while the host is only failing, not yet unavailable */
  unavailableSince: string | null;
}

/** How long a host that sent an activity is taken as still up, before it is written again. */
export const HEARD_FROM_MEMORY_MS = 60_000;
const MAX_HEARD_FROM = 10_000;
/** When each host was last recorded as answering, by Kith (its configuration) and host. */
const heardFrom = new WeakMap<Context["config"], Map<string, number>>();

/** The host deliveries to `url` go to, as it is recorded here. */
export const hostOf = (url: string | URL): string => new URL(url).host;

/** Counts a failed delivery to `inbox`'s host; true when this failure made it unavailable. */
export async function recordDeliveryFailure(
  ctx: Context,
  inbox: string | URL,
  error: string,
  now = new Date(),
): Promise<boolean> {
  const { host, origin } = new URL(inbox);
  heardFrom.get(ctx.config)?.delete(host);
  const at = now.toISOString();
  const day = at.slice(0, 10);
  const { kysely } = ctx.db;
  await kysely
    .insertInto("delivery_failures")
    .values({
      host,
      origin,
      failure_days: 1,
      last_failure_day: day,
      first_failed_at: at,
      last_failed_at: at,
      last_error: error.slice(0, 500),
      unavailable_since: null,
    })
    .onConflict((oc) =>
      oc.column("host").doUpdateSet((eb) => ({
        failure_days: sql<number>`CASE WHEN excluded.last_failure_day > delivery_failures.last_failure_day
          THEN delivery_failures.failure_days + 1 ELSE delivery_failures.failure_days END`,
        last_failure_day: sql<string>`CASE WHEN excluded.last_failure_day > delivery_failures.last_failure_day
          THEN excluded.last_failure_day ELSE delivery_failures.last_failure_day END`,
        origin: eb.ref("excluded.origin"),
        last_failed_at: eb.ref("excluded.last_failed_at"),
        last_error: eb.ref("excluded.last_error"),
      })),
    )
    .execute();
  const marked = await kysely
    .updateTable("delivery_failures")
    .set({ unavailable_since: at })
    .where("host", "=", host)
    .where("unavailable_since", "is", null)
    .where("failure_days", ">=", FAILURE_DAYS_THRESHOLD)
    .executeTakeFirst();
  if (Number(marked.numUpdatedRows) === 0) return false;
  log.warn("{host} has failed deliveries on {days} days: marked unavailable, skipping it", {
    host,
    days: FAILURE_DAYS_THRESHOLD,
  });
  return true;
}

/** `hosts` answered: their failures are forgotten, and they are available again. */
export async function recordHostsAnswered(ctx: Context, hosts: readonly string[]): Promise<void> {
  if (hosts.length === 0) return;
  for (const host of hosts) heardFrom.get(ctx.config)?.set(host, Date.now());
  const cleared = await ctx.db.kysely
    .deleteFrom("delivery_failures")
    .where("host", "in", [...new Set(hosts)])
    .returning(["host", "unavailable_since"])
    .execute();
  for (const row of cleared)
    if (row.unavailable_since) log.info("{host} answers again: available", { host: row.host });
}

/**
 * `hosts` sent a verified activity: recordHostsAnswered, at most once a minute per host and
 * process (a busy peer sends many a second). A failure recorded here forgets the moment; one
 * recorded by another process is cleared a minute later at most, against thresholds of days.
 */
export async function recordHostsHeardFrom(ctx: Context, hosts: readonly string[]): Promise<void> {
  let memory = heardFrom.get(ctx.config);
  if (!memory) heardFrom.set(ctx.config, (memory = new Map()));
  const now = Date.now();
  const due = [...new Set(hosts)].filter(
    (host) => !(now - (memory.get(host) ?? Number.NEGATIVE_INFINITY) < HEARD_FROM_MEMORY_MS),
  );
  if (due.length === 0) return;
  if (memory.size + due.length > MAX_HEARD_FROM) memory.clear();
  await recordHostsAnswered(ctx, due);
}

/** The unavailable hosts with the origin their inboxes were on. */
export async function unavailableOrigins(
  ctx: Context,
): Promise<{ host: string; origin: string }[]> {
  return ctx.db.kysely
    .selectFrom("delivery_failures")
    .select(["host", "origin"])
    .where("unavailable_since", "is not", null)
    .orderBy("host")
    .execute();
}

export async function unavailableHosts(ctx: Context): Promise<Set<string>> {
  const rows = await ctx.db.kysely
    .selectFrom("delivery_failures")
    .select("host")
    .where("unavailable_since", "is not", null)
    .execute();
  return new Set(rows.map((r) => r.host));
}

/** Whether `host` has failures on record, and whether they made it unavailable. */
export async function hostFailureState(
  ctx: Context,
  host: string,
): Promise<"none" | "failing" | "unavailable"> {
  const row = await ctx.db.kysely
    .selectFrom("delivery_failures")
    .select("unavailable_since")
    .where("host", "=", host)
    .executeTakeFirst();
  if (!row) return "none";
  return row.unavailable_since ? "unavailable" : "failing";
}

/** Failing hosts, the unavailable ones first; only those with `unavailableOnly`. */
export async function listDeliveryFailures(
  ctx: Context,
  options: { unavailableOnly?: boolean } = {},
): Promise<DeliveryFailures[]> {
  let query = ctx.db.kysely.selectFrom("delivery_failures").selectAll();
  if (options.unavailableOnly) query = query.where("unavailable_since", "is not", null);
  const rows = await query.orderBy("failure_days", "desc").orderBy("host").execute();
  return rows.map((r) => ({
    host: r.host,
    failureDays: Number(r.failure_days),
    firstFailedAt: r.first_failed_at,
    lastFailedAt: r.last_failed_at,
    lastError: r.last_error,
    unavailableSince: r.unavailable_since,
  }));
}

/** An admin vouches for `host`: its failures are forgotten. False when none were recorded. */
export async function clearDeliveryFailures(ctx: Context, host: string): Promise<boolean> {
  const deleted = await ctx.db.kysely
    .deleteFrom("delivery_failures")
    .where("host", "=", host.toLowerCase())
    .executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}
