// Account moderation: the strikes moderators give (Mastodon's account_warnings), the link
// from a `moderation_warning` notification to its strike, and who suspended an account (here,
// or its own server saying `suspended` in its actor).
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("account_warnings")
    .addColumn("id", "text", (c) => c.primaryKey())
    // the moderator; null for the operator at the command line
    .addColumn("account_id", "text", (c) => c.references("accounts.id").onDelete("set null"))
    .addColumn("target_account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    // none, disable, sensitive, silence, suspend
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("report_id", "text", (c) => c.references("reports.id").onDelete("set null"))
    .addColumn("status_ids", "text", (c) => c.notNull().defaultTo("[]")) // JSON
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("account_warnings_target")
    .on("account_warnings")
    .column("target_account_id")
    .execute();
  await db.schema
    .alterTable("notifications")
    .addColumn("account_warning_id", "text", (c) =>
      c.references("account_warnings.id").onDelete("cascade"),
    )
    .execute();
  await db.schema.alterTable("accounts").addColumn("suspension_origin", "text").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("accounts").dropColumn("suspension_origin").execute();
  await db.schema.alterTable("notifications").dropColumn("account_warning_id").execute();
  await db.schema.dropTable("account_warnings").execute();
}
