// Remote hosts whose inboxes keep failing (as Mastodon's DeliveryFailureTracker and
// UnavailableDomain): the distinct days on which deliveries to a host failed since it last
// answered, and, from the seventh such day, since when it is considered unavailable (deliveries
// to it are skipped until it answers again). See federation/outbox/availability.ts.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("delivery_failures")
    // An inbox URL's host (with its port when not the default), lower-case.
    .addColumn("host", "text", (c) => c.primaryKey())
    // Scheme, host and port, for probing whether it is up again.
    .addColumn("origin", "text", (c) => c.notNull())
    .addColumn("failure_days", "integer", (c) => c.notNull())
    // The UTC date (YYYY-MM-DD) of the last failure: a later one on that day counts no more.
    .addColumn("last_failure_day", "text", (c) => c.notNull())
    .addColumn("first_failed_at", "text", (c) => c.notNull())
    .addColumn("last_failed_at", "text", (c) => c.notNull())
    .addColumn("last_error", "text")
    .addColumn("unavailable_since", "text")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("delivery_failures").execute();
}
