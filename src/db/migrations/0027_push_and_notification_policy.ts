// Web Push subscriptions (one per access token, as Mastodon's web_push_subscriptions) and
// notification filtering (Mastodon 4.3): each user's policy, the requests that group filtered
// mentions per sender, the senders a user let through, and a `filtered` mark on notifications.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  const accountRef = "accounts.id";
  await db.schema
    .createTable("web_push_subscriptions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("token_id", "text", (c) =>
      c.notNull().unique().references("oauth_tokens.id").onDelete("cascade"),
    )
    .addColumn("endpoint", "text", (c) => c.notNull())
    .addColumn("key_p256dh", "text", (c) => c.notNull())
    .addColumn("key_auth", "text", (c) => c.notNull())
    .addColumn("standard", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("alerts", "text", (c) => c.notNull().defaultTo("{}")) // JSON {type: boolean}
    .addColumn("policy", "text", (c) => c.notNull().defaultTo("all"))
    // the bearer token, sealed with the secret key: Mastodon's payload carries it
    .addColumn("sealed_token", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("web_push_subscriptions_account")
    .on("web_push_subscriptions")
    .column("account_id")
    .execute();

  await db.schema
    .alterTable("notifications")
    .addColumn("filtered", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("notification_policies")
    .addColumn("account_id", "text", (c) =>
      c.primaryKey().references(accountRef).onDelete("cascade"),
    )
    .addColumn("for_not_following", "text", (c) => c.notNull())
    .addColumn("for_not_followers", "text", (c) => c.notNull())
    .addColumn("for_new_accounts", "text", (c) => c.notNull())
    .addColumn("for_private_mentions", "text", (c) => c.notNull())
    .addColumn("for_limited_accounts", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("notification_requests")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("from_account_id", "text", (c) =>
      c.notNull().references(accountRef).onDelete("cascade"),
    )
    .addColumn("last_status_id", "text", (c) => c.references("statuses.id").onDelete("set null"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("notification_requests_unique", ["account_id", "from_account_id"])
    .execute();

  await db.schema
    .createTable("notification_permissions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references(accountRef).onDelete("cascade"))
    .addColumn("from_account_id", "text", (c) =>
      c.notNull().references(accountRef).onDelete("cascade"),
    )
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("notification_permissions_unique", ["account_id", "from_account_id"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("notification_permissions").execute();
  await db.schema.dropTable("notification_requests").execute();
  await db.schema.dropTable("notification_policies").execute();
  await db.schema.alterTable("notifications").dropColumn("filtered").execute();
  await db.schema.dropTable("web_push_subscriptions").execute();
}
