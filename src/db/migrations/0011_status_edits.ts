// Status edits: every revision of an edited status (the original is recorded with the first
// edit, as Mastodon does), and silent mentions: an edit that drops a mention keeps the
// account's access to the status (it was told already) but no longer shows the mention.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("status_edits")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("status_id", "text", (c) =>
      c.notNull().references("statuses.id").onDelete("cascade"),
    )
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("spoiler_text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("sensitive", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("language", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("status_edits_status")
    .on("status_edits")
    .columns(["status_id", "created_at"])
    .execute();

  await db.schema
    .alterTable("status_mentions")
    .addColumn("silent", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("status_mentions").dropColumn("silent").execute();
  await db.schema.dropIndex("status_edits_status").execute();
  await db.schema.dropTable("status_edits").execute();
}
