// Sign-up safety: e-mail domains nobody may sign up with (and the refused attempts, for the
// admin API's per-day history), single addresses blocked by the hash of their canonical form,
// and IP ranges that need approval, may not sign up, or may not reach the server at all.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("email_domain_blocks")
    .addColumn("id", "text", (c) => c.primaryKey())
    // lower-case, IDNA (punycode) form; a block covers its subdomains too
    .addColumn("domain", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("email_domain_block_attempts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("email_domain_block_id", "text", (c) =>
      c.notNull().references("email_domain_blocks.id").onDelete("cascade"),
    )
    .addColumn("ip", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("email_domain_block_attempts_block")
    .on("email_domain_block_attempts")
    .columns(["email_domain_block_id", "created_at"])
    .execute();
  await db.schema
    .createTable("canonical_email_blocks")
    .addColumn("id", "text", (c) => c.primaryKey())
    // hex SHA-256 of the address lower-cased, without dots or a +suffix in its local part
    .addColumn("canonical_email_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("ip_blocks")
    .addColumn("id", "text", (c) => c.primaryKey())
    // the network address in canonical text form, and the prefix length
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("prefix", "integer", (c) => c.notNull())
    // sign_up_requires_approval, sign_up_block or no_access
    .addColumn("severity", "text", (c) => c.notNull())
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("expires_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("ip_blocks_range", ["ip", "prefix"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("ip_blocks").execute();
  await db.schema.dropTable("canonical_email_blocks").execute();
  await db.schema.dropTable("email_domain_block_attempts").execute();
  await db.schema.dropTable("email_domain_blocks").execute();
}
