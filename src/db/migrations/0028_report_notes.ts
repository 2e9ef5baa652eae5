// Moderators' notes on a report (Mastodon's report_notes): who wrote what, and when. The note
// goes with its report, and with its author as in Mastodon; a note written by the operator at
// the command line has no author.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("report_notes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("report_id", "text", (c) => c.notNull().references("reports.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) => c.references("accounts.id").onDelete("cascade"))
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("report_notes_report")
    .on("report_notes")
    .columns(["report_id", "id"])
    .execute();
  await db.schema
    .createIndex("report_notes_account")
    .on("report_notes")
    .column("account_id")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("report_notes").execute();
}
