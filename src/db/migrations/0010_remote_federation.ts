// Inbound federation: the ActivityPub id of each favourite (so an Undo that names only the
// Like's id finds it), tombstones of deleted remote objects (so a Create arriving after its
// Delete is ignored), and an index to find statuses by their URL (Announces often name the
// status by its web URL rather than its id).
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("favourites").addColumn("uri", "text").execute();
  // NULLs do not collide on either database: local favourites have no uri.
  await db.schema.createIndex("favourites_uri").unique().on("favourites").column("uri").execute();

  await db.schema
    .createTable("tombstones")
    .addColumn("uri", "text", (c) => c.primaryKey())
    // The actor that deleted it; no foreign key, the tombstone outlives a deleted account.
    .addColumn("account_uri", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema.createIndex("statuses_url").on("statuses").column("url").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("statuses_url").execute();
  await db.schema.dropTable("tombstones").execute();
  await db.schema.dropIndex("favourites_uri").execute();
  await db.schema.alterTable("favourites").dropColumn("uri").execute();
}
