// The instance's federation policy (Mastodon's DomainBlock and DomainAllow): servers it
// suspends, silences or takes no media or reports from; servers it federates with in
// allowlist mode; published blocklists it follows, and their changes awaiting review.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("domain_block_subscriptions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("url", "text", (c) => c.notNull().unique())
    .addColumn("mode", "text", (c) => c.notNull()) // review | auto
    .addColumn("etag", "text")
    .addColumn("last_fetched_at", "text")
    .addColumn("last_error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("domain_blocks")
    .addColumn("id", "text", (c) => c.primaryKey())
    // lower-case ASCII (punycode) host; covers its subdomains
    .addColumn("domain", "text", (c) => c.notNull().unique())
    .addColumn("severity", "text", (c) => c.notNull()) // noop | silence | suspend
    .addColumn("reject_media", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("reject_reports", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("private_comment", "text")
    .addColumn("public_comment", "text")
    .addColumn("obfuscate", "integer", (c) => c.notNull().defaultTo(0))
    // the subscription that made it (it may change or lift only its own blocks)
    .addColumn("subscription_id", "text", (c) =>
      c.references("domain_block_subscriptions.id").onDelete("set null"),
    )
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("domain_allows")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("domain", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("domain_block_pending_changes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("subscription_id", "text", (c) =>
      c.notNull().references("domain_block_subscriptions.id").onDelete("cascade"),
    )
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull()) // create | update | destroy
    .addColumn("block", "text", (c) => c.notNull()) // JSON: the block as the list has it
    // pending, or rejected (kept so that the same change is not proposed again)
    .addColumn("state", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("domain_block_pending_unique", ["subscription_id", "domain"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("domain_block_pending_changes").execute();
  await db.schema.dropTable("domain_allows").execute();
  await db.schema.dropTable("domain_blocks").execute();
  await db.schema.dropTable("domain_block_subscriptions").execute();
}
