// The record of what instance rules did (docs/rules/README.md): which rule, what it did, to
// whose post or which incoming object, and when. A log: no foreign keys, so it outlives what it
// names (a refused post never existed; a status may be deleted later).
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("rule_actions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("rule_id", "text", (c) => c.notNull())
    .addColumn("direction", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("account_id", "text")
    .addColumn("status_id", "text")
    .addColumn("object_uri", "text")
    .addColumn("field", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("rule_actions_status_id")
    .on("rule_actions")
    .column("status_id")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("rule_actions").execute();
}
