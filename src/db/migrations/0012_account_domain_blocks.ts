// User-level domain blocks (Mastodon's account_domain_blocks): a user hides every account of a
// server from themselves. The visibility rule and the exclusions read it; the ID is the cursor
// GET /api/v1/domain_blocks pages by.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("account_domain_blocks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    // Lower-case ASCII (punycode) host, as accounts.domain stores it
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("account_domain_blocks_unique", ["account_id", "domain"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("account_domain_blocks").execute();
}
