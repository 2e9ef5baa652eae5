// Media attachments: local uploads (files in the media storage, by random keys) and remote ones
// (linked by remote_url, optionally cached). A row with no status and no scheduled status is
// unattached; unattached rows older than a day are removed with their files.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("media_attachments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    // a deleted status leaves its media unattached (kept a day for delete-and-redraft)
    .addColumn("status_id", "text", (c) => c.references("statuses.id").onDelete("set null"))
    .addColumn("scheduled_status_id", "text", (c) =>
      c.references("scheduled_statuses.id").onDelete("set null"),
    )
    // order within the status (Mastodon keeps media_ids' order)
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    // image, gifv, video, audio, unknown
    .addColumn("type", "text", (c) => c.notNull())
    // queued (waiting for the media job), done, failed
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("content_type", "text")
    // storage keys: the processed original, its preview, and the upload waiting to be processed
    .addColumn("file_key", "text")
    .addColumn("preview_key", "text")
    .addColumn("upload_key", "text")
    .addColumn("file_size", "integer")
    .addColumn("remote_url", "text")
    .addColumn("remote_preview_url", "text")
    .addColumn("description", "text")
    .addColumn("blurhash", "text")
    // JSON: {original, small, focus} as the entity shows them
    .addColumn("meta", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("media_attachments_status")
    .on("media_attachments")
    .columns(["status_id", "position"])
    .execute();
  await db.schema
    .createIndex("media_attachments_account")
    .on("media_attachments")
    .columns(["account_id", "created_at"])
    .execute();
  await db.schema
    .createIndex("media_attachments_scheduled")
    .on("media_attachments")
    .column("scheduled_status_id")
    .execute();
  // Each version's media in the edit history: JSON [{id, description}] in order.
  await db.schema.alterTable("status_edits").addColumn("media", "text").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("status_edits").dropColumn("media").execute();
  await db.schema.dropTable("media_attachments").execute();
}
