// The federation foundation: Fedify's key–value store, ordering keys for the job queue (Fedify's
// messages travel through `jobs`), and each local account's Ed25519 key pair for object
// integrity proofs (the RSA pair already has columns).
import { type Kysely, PostgresAdapter, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  // Keys are encoded so that a key prefix is a range of the primary key. That needs bytewise
  // order: SQLite's default BINARY collation is, PostgreSQL's database collation often is not.
  const keyType =
    db.getExecutor().adapter instanceof PostgresAdapter ? sql`text COLLATE "C"` : sql`text`;
  await db.schema
    .createTable("fedify_kv")
    .addColumn("key", keyType, (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull()) // JSON, canonical (sorted keys)
    .addColumn("expires_at", "text")
    .execute();
  await db.schema.createIndex("fedify_kv_expires").on("fedify_kv").column("expires_at").execute();

  // At most one job per ordering key in flight, first in first out within a key.
  await db.schema.alterTable("jobs").addColumn("ordering_key", "text").execute();
  await db.schema
    .createIndex("jobs_ordering")
    .on("jobs")
    .columns(["queue", "ordering_key", "id"])
    .execute();

  // JWK JSON; the private half is as secret as private_key_pem.
  await db.schema.alterTable("accounts").addColumn("ed25519_public_key", "text").execute();
  await db.schema.alterTable("accounts").addColumn("ed25519_private_key", "text").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("accounts").dropColumn("ed25519_private_key").execute();
  await db.schema.alterTable("accounts").dropColumn("ed25519_public_key").execute();
  await db.schema.dropIndex("jobs_ordering").execute();
  await db.schema.alterTable("jobs").dropColumn("ordering_key").execute();
  await db.schema.dropTable("fedify_kv").execute();
}
