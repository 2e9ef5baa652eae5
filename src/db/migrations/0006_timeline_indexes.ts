// Partial indexes of the few suspended and silenced accounts. The visibility rule and the
// public-timeline filter ask NOT EXISTS (account … suspended_at/silenced_at IS NOT NULL) for
// every candidate status; PostgreSQL plans that as an anti-join whose inner side was a full
// scan of `accounts` on every request (~5 ms at 10,000 accounts, growing with every remote
// account seen). With these it reads an index that is empty or nearly so (bench/timeline.ts).
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("accounts_suspended")
    .on("accounts")
    .column("id")
    .where(sql.ref("suspended_at"), "is not", null)
    .execute();
  await db.schema
    .createIndex("accounts_silenced")
    .on("accounts")
    .column("id")
    .where(sql.ref("silenced_at"), "is not", null)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("accounts_silenced").execute();
  await db.schema.dropIndex("accounts_suspended").execute();
}
