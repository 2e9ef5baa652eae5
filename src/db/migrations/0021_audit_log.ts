// The audit log: every moderator and admin action, who did it, to what, and when. Rows are
// written in the same transaction as the action, so the log never misses or invents one.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("audit_log")
    .addColumn("id", "text", (c) => c.primaryKey())
    // null when the operator acted through the `kith` command line
    .addColumn("account_id", "text", (c) => c.references("accounts.id").onDelete("set null"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_type", "text", (c) => c.notNull())
    .addColumn("target_id", "text", (c) => c.notNull())
    // what a reader needs when the target is gone: a handle, a domain, a rule's text
    .addColumn("target_label", "text", (c) => c.notNull())
    .addColumn("detail", "text", (c) => c.notNull().defaultTo("{}")) // JSON
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("audit_log_target")
    .on("audit_log")
    .columns(["target_type", "target_id"])
    .execute();
  await db.schema.createIndex("audit_log_account").on("audit_log").column("account_id").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("audit_log").execute();
}
