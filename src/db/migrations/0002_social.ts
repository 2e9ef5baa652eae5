// The core social graph and client API: OAuth applications and tokens, web sessions, invites,
// statuses with their mentions and tags, interactions, follows, blocks, mutes, notifications,
// markers, home feeds and idempotency keys.
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema;
  const accountRef = "accounts.id";

  await s
    .createTable("oauth_applications")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("website", "text")
    .addColumn("redirect_uris", "text", (c) => c.notNull()) // newline-separated
    .addColumn("scopes", "text", (c) => c.notNull()) // space-separated
    .addColumn("client_id", "text", (c) => c.notNull().unique())
    .addColumn("client_secret", "text", (c) => c.notNull())
    .addColumn("owner_account_id", "text", (c) => c.references(accountRef).onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await s
    .createTable("oauth_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique()) // SHA-256 hex of the bearer token
    .addColumn("application_id", "text", (c) =>
      c.references("oauth_applications.id").onDelete("cascade"),
    )
    .addColumn("account_id", "text", (c) => c.references(accountRef).onDelete("cascade"))
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .addColumn("revoked_at", "text")
    .execute();
  await s.createIndex("oauth_tokens_account").on("oauth_tokens").column("account_id").execute();

  await s
    .createTable("oauth_codes")
    .addColumn("code_hash", "text", (c) => c.primaryKey())
    .addColumn("application_id", "text", (c) =>
      c.notNull().references("oauth_applications.id").onDelete("cascade"),
    )
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("redirect_uri", "text", (c) => c.notNull())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("code_challenge", "text")
    .addColumn("code_challenge_method", "text")
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await s
    .createTable("web_sessions")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("user_agent", "text")
    .addColumn("ip", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();

  await s
    .createTable("invites")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("account_id", "text", (c) => c.references(accountRef).onDelete("cascade"))
    .addColumn("max_uses", "integer")
    .addColumn("uses", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("autofollow", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expires_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await s
    .createTable("statuses")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uri", "text", (c) => c.notNull().unique())
    .addColumn("url", "text")
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("local", "integer", (c) => c.notNull())
    .addColumn("in_reply_to_id", "text", (c) => c.references("statuses.id").onDelete("set null"))
    .addColumn("in_reply_to_account_id", "text", (c) =>
      c.references(accountRef).onDelete("set null"),
    )
    .addColumn("in_reply_to_uri", "text")
    .addColumn("reblog_of_id", "text", (c) => c.references("statuses.id").onDelete("cascade"))
    .addColumn("thread_id", "text", (c) => c.notNull()) // id of the thread's root status
    .addColumn("content", "text", (c) => c.notNull().defaultTo("")) // sanitised HTML
    .addColumn("text", "text", (c) => c.notNull().defaultTo("")) // source as written (local)
    .addColumn("spoiler_text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("sensitive", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("visibility", "text", (c) => c.notNull()) // public, unlisted, private, direct
    .addColumn("language", "text")
    .addColumn("application_id", "text", (c) =>
      c.references("oauth_applications.id").onDelete("set null"),
    )
    .addColumn("replies_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("reblogs_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("favourites_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("edited_at", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await s.createIndex("statuses_account").on("statuses").columns(["account_id", "id"]).execute();
  await s.createIndex("statuses_reply").on("statuses").column("in_reply_to_id").execute();
  await s
    .createIndex("statuses_reblog")
    .on("statuses")
    .columns(["reblog_of_id", "account_id"])
    .execute();
  await s.createIndex("statuses_thread").on("statuses").column("thread_id").execute();
  // Public timelines walk this index newest-first.
  await s
    .createIndex("statuses_public")
    .on("statuses")
    .columns(["visibility", "local", "id"])
    .execute();

  await s
    .createTable("status_mentions")
    .addColumn("status_id", "text", (c) =>
      c.notNull().references("statuses.id").onDelete("cascade"),
    )
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addPrimaryKeyConstraint("status_mentions_pk", ["status_id", "account_id"])
    .execute();
  await s
    .createIndex("status_mentions_account")
    .on("status_mentions")
    .columns(["account_id", "status_id"])
    .execute();

  await s
    .createTable("tags")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull()) // as first written
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await sql`CREATE UNIQUE INDEX tags_name ON tags (lower(name))`.execute(db);

  await s
    .createTable("status_tags")
    .addColumn("status_id", "text", (c) =>
      c.notNull().references("statuses.id").onDelete("cascade"),
    )
    .addColumn("tag_id", "text", (c) => c.notNull().references("tags.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("status_tags_pk", ["tag_id", "status_id"])
    .execute();
  await s.createIndex("status_tags_status").on("status_tags").column("status_id").execute();

  for (const table of ["favourites", "bookmarks", "status_pins"]) {
    await s
      .createTable(table)
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) =>
        c.notNull().references(accountRef).onDelete("cascade"),
      )
      .addColumn("status_id", "text", (c) =>
        c.notNull().references("statuses.id").onDelete("cascade"),
      )
      .addColumn("created_at", "text", (c) => c.notNull())
      .addUniqueConstraint(`${table}_unique`, ["account_id", "status_id"])
      .execute();
    await s.createIndex(`${table}_status`).on(table).column("status_id").execute();
  }

  for (const table of ["follows", "follow_requests"]) {
    await s
      .createTable(table)
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) =>
        c.notNull().references(accountRef).onDelete("cascade"),
      )
      .addColumn("target_account_id", "text", (c) =>
        c.notNull().references(accountRef).onDelete("cascade"),
      )
      .addColumn("show_reblogs", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("notify", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("languages", "text") // JSON string[] or null for all
      .addColumn("uri", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addUniqueConstraint(`${table}_unique`, ["account_id", "target_account_id"])
      .execute();
    await s.createIndex(`${table}_target`).on(table).columns(["target_account_id", "id"]).execute();
  }

  await s
    .createTable("blocks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("target_account_id", "text", (c) =>
      c.notNull().references(accountRef).onDelete("cascade"),
    )
    .addColumn("uri", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("blocks_unique", ["account_id", "target_account_id"])
    .execute();
  await s.createIndex("blocks_target").on("blocks").column("target_account_id").execute();

  await s
    .createTable("mutes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("target_account_id", "text", (c) =>
      c.notNull().references(accountRef).onDelete("cascade"),
    )
    .addColumn("hide_notifications", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("expires_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("mutes_unique", ["account_id", "target_account_id"])
    .execute();

  await s
    .createTable("conversation_mutes")
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("thread_id", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("conversation_mutes_pk", ["account_id", "thread_id"])
    .execute();

  await s
    .createTable("account_notes")
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("target_account_id", "text", (c) =>
      c.notNull().references(accountRef).onDelete("cascade"),
    )
    .addColumn("comment", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("account_notes_pk", ["account_id", "target_account_id"])
    .execute();

  await s
    .createTable("notifications")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("from_account_id", "text", (c) => c.references(accountRef).onDelete("cascade"))
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("status_id", "text", (c) => c.references("statuses.id").onDelete("cascade"))
    .addColumn("report_id", "text")
    .addColumn("group_key", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await s
    .createIndex("notifications_account")
    .on("notifications")
    .columns(["account_id", "id"])
    .execute();

  await s
    .createTable("markers")
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("timeline", "text", (c) => c.notNull())
    .addColumn("last_read_id", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("markers_pk", ["account_id", "timeline"])
    .execute();

  // Fan-out on write: one row per (reader, status) for home timelines, as Mastodon's feeds.
  await s
    .createTable("home_feed")
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("status_id", "text", (c) =>
      c.notNull().references("statuses.id").onDelete("cascade"),
    )
    .addPrimaryKeyConstraint("home_feed_pk", ["account_id", "status_id"])
    .execute();
  await s.createIndex("home_feed_status").on("home_feed").column("status_id").execute();

  await s
    .createTable("idempotency_keys")
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("status_id", "text", (c) => c.references("statuses.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["account_id", "key"])
    .execute();

  await s
    .createTable("server_rules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("hint", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await s
    .createTable("custom_emojis")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("shortcode", "text", (c) => c.notNull())
    .addColumn("domain", "text")
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("static_url", "text", (c) => c.notNull())
    .addColumn("visible_in_picker", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("category", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await sql`CREATE UNIQUE INDEX custom_emojis_shortcode ON custom_emojis (shortcode, coalesce(domain, ''))`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "custom_emojis",
    "server_rules",
    "idempotency_keys",
    "home_feed",
    "markers",
    "notifications",
    "account_notes",
    "conversation_mutes",
    "mutes",
    "blocks",
    "follow_requests",
    "follows",
    "status_pins",
    "bookmarks",
    "favourites",
    "status_tags",
    "tags",
    "status_mentions",
    "statuses",
    "invites",
    "web_sessions",
    "oauth_codes",
    "oauth_tokens",
    "oauth_applications",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
