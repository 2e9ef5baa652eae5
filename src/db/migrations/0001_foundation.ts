// Instance settings, accounts (local and remote alike), local users and the job queue.
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("domain", "text")
    .addColumn("display_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("url", "text")
    .addColumn("inbox_url", "text")
    .addColumn("shared_inbox_url", "text")
    .addColumn("outbox_url", "text")
    .addColumn("followers_url", "text")
    .addColumn("following_url", "text")
    .addColumn("featured_url", "text")
    .addColumn("avatar_url", "text")
    .addColumn("header_url", "text")
    .addColumn("actor_type", "text", (c) => c.notNull().defaultTo("Person"))
    .addColumn("locked", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("discoverable", "integer")
    .addColumn("indexable", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("hide_collections", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("memorial", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("fields", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("also_known_as", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("moved_to_account_id", "text", (c) =>
      c.references("accounts.id").onDelete("set null"),
    )
    .addColumn("public_key_pem", "text")
    .addColumn("private_key_pem", "text")
    .addColumn("suspended_at", "text")
    .addColumn("silenced_at", "text")
    .addColumn("sensitized_at", "text")
    .addColumn("statuses_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("followers_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("following_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_status_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("fetched_at", "text")
    .execute();
  // One account per (username, domain), case-insensitively; local accounts have no domain.
  await sql`CREATE UNIQUE INDEX accounts_handle ON accounts (lower(username), coalesce(domain, ''))`.execute(
    db,
  );
  await db.schema.createIndex("accounts_domain").on("accounts").column("domain").execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().unique().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().defaultTo("user"))
    .addColumn("approved", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("confirmed_at", "text")
    .addColumn("confirmation_token", "text")
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("locale", "text", (c) => c.notNull().defaultTo("en"))
    .addColumn("sign_up_reason", "text")
    .addColumn("sign_up_ip", "text")
    .addColumn("invite_id", "text")
    .addColumn("default_visibility", "text", (c) => c.notNull().defaultTo("public"))
    .addColumn("default_sensitive", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("default_language", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("last_sign_in_at", "text")
    .execute();
  await sql`CREATE UNIQUE INDEX users_email ON users (lower(email))`.execute(db);

  await db.schema
    .createTable("jobs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("queue", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("run_at", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_attempts", "integer", (c) => c.notNull().defaultTo(10))
    .addColumn("locked_until", "text")
    .addColumn("locked_by", "text")
    .addColumn("last_error", "text")
    .addColumn("dedupe_key", "text", (c) => c.unique())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("jobs_due").on("jobs").columns(["queue", "run_at"]).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["jobs", "users", "accounts", "settings"]) {
    await db.schema.dropTable(table).execute();
  }
}
