// Scheduled statuses (what to post and when; the jobs queue holds the delayed job that posts
// it), endorsed accounts (Mastodon's account_pins: the accounts a user features on their
// profile) and dismissed follow suggestions (Mastodon's follow_recommendation_mutes).
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  const accountRef = "accounts.id";
  await db.schema
    .createTable("scheduled_statuses")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("scheduled_at", "text", (c) => c.notNull())
    .addColumn("params", "text", (c) => c.notNull()) // JSON, see domain/statuses/scheduled.ts
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("scheduled_statuses_account")
    .on("scheduled_statuses")
    .columns(["account_id", "scheduled_at"])
    .execute();

  for (const table of ["account_pins", "suggestion_dismissals"]) {
    await db.schema
      .createTable(table)
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) =>
        c.notNull().references(accountRef).onDelete("cascade"),
      )
      .addColumn("target_account_id", "text", (c) =>
        c.notNull().references(accountRef).onDelete("cascade"),
      )
      .addColumn("created_at", "text", (c) => c.notNull())
      .addUniqueConstraint(`${table}_unique`, ["account_id", "target_account_id"])
      .execute();
  }
  await db.schema
    .createIndex("account_pins_target")
    .on("account_pins")
    .column("target_account_id")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("suggestion_dismissals").execute();
  await db.schema.dropTable("account_pins").execute();
  await db.schema.dropTable("scheduled_statuses").execute();
}
