// Reports (Mastodon's reports): who reported whom, why, and what moderators did about it; and
// the reported statuses as they were when reported, so that deleting a status later does not
// erase the evidence.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  const accountRef = "accounts.id";
  await db.schema
    .createTable("reports")
    .addColumn("id", "text", (c) => c.primaryKey())
    // The reporter: a local account, or a remote one (often its server's instance actor).
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("target_account_id", "text", (c) =>
      c.notNull().references(accountRef).onDelete("cascade"),
    )
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("category", "text", (c) => c.notNull().defaultTo("other"))
    .addColumn("rule_ids", "text", (c) => c.notNull().defaultTo("[]")) // JSON string[]
    .addColumn("forwarded", "integer", (c) => c.notNull().defaultTo(0))
    // The Flag's id: made here for local reports, as received for remote ones.
    .addColumn("uri", "text")
    .addColumn("assigned_account_id", "text", (c) => c.references(accountRef).onDelete("set null"))
    .addColumn("action_taken_at", "text")
    .addColumn("action_taken_by_account_id", "text", (c) =>
      c.references(accountRef).onDelete("set null"),
    )
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  // A Flag delivered twice is one report per target; local reports (no uri) never collide.
  await db.schema
    .createIndex("reports_uri_target")
    .unique()
    .on("reports")
    .columns(["uri", "target_account_id"])
    .execute();
  await db.schema.createIndex("reports_target").on("reports").column("target_account_id").execute();
  await db.schema.createIndex("reports_account").on("reports").column("account_id").execute();

  await db.schema
    .createTable("report_statuses")
    .addColumn("report_id", "text", (c) => c.notNull().references("reports.id").onDelete("cascade"))
    // No foreign key: the snapshot outlives the status.
    .addColumn("status_id", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("snapshot", "text", (c) => c.notNull()) // JSON, see domain/reports/snapshots.ts
    .addPrimaryKeyConstraint("report_statuses_pk", ["report_id", "status_id"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("report_statuses").execute();
  await db.schema.dropTable("reports").execute();
}
