// Keyword filters (Mastodon's custom_filters v2): a filter has a title, the contexts it applies
// in, an action and an optional expiry; it matches statuses by keyword or by ID.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema;
  await s
    .createTable("filters")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("context", "text", (c) => c.notNull()) // JSON array of contexts
    .addColumn("action", "text", (c) => c.notNull().defaultTo("warn")) // warn, hide, blur
    .addColumn("expires_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await s.createIndex("filters_account").on("filters").columns(["account_id", "id"]).execute();

  await s
    .createTable("filter_keywords")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("filter_id", "text", (c) => c.notNull().references("filters.id").onDelete("cascade"))
    .addColumn("keyword", "text", (c) => c.notNull())
    .addColumn("whole_word", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await s
    .createIndex("filter_keywords_filter")
    .on("filter_keywords")
    .columns(["filter_id", "id"])
    .execute();

  await s
    .createTable("filter_statuses")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("filter_id", "text", (c) => c.notNull().references("filters.id").onDelete("cascade"))
    .addColumn("status_id", "text", (c) =>
      c.notNull().references("statuses.id").onDelete("cascade"),
    )
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("filter_statuses_unique", ["filter_id", "status_id"])
    .execute();
  // Deleting a status cascades here.
  await s.createIndex("filter_statuses_status").on("filter_statuses").column("status_id").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("filter_statuses").execute();
  await db.schema.dropTable("filter_keywords").execute();
  await db.schema.dropTable("filters").execute();
}
