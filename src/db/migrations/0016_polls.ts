// Polls (Mastodon's `polls` and `poll_votes`): one poll per status, its options and cached
// tallies as JSON, and one vote row per account and chosen option. A remote poll's tallies come
// from its server (plus local votes until the next Update); a vote from another server keeps
// its ActivityPub id.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("polls")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("status_id", "text", (c) =>
      c.notNull().unique().references("statuses.id").onDelete("cascade"),
    )
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("options", "text", (c) => c.notNull()) // JSON string[]
    .addColumn("cached_tallies", "text", (c) => c.notNull()) // JSON number[], one per option
    .addColumn("multiple", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("hide_totals", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expires_at", "text")
    .addColumn("votes_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("voters_count", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("poll_votes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("poll_id", "text", (c) => c.notNull().references("polls.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("choice", "integer", (c) => c.notNull())
    .addColumn("uri", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("poll_votes_unique", ["poll_id", "account_id", "choice"])
    .execute();
  // NULLs do not collide on either database: local votes have no uri.
  await db.schema.createIndex("poll_votes_uri").unique().on("poll_votes").column("uri").execute();
  await db.schema.createIndex("poll_votes_account").on("poll_votes").column("account_id").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("poll_votes").execute();
  await db.schema.dropTable("polls").execute();
}
