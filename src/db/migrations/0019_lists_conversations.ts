// Lists (Mastodon's lists and list_accounts), direct conversations (account_conversations: one
// row per local account, thread and set of other participants, with the statuses it holds),
// followed and featured tags. The markers table already exists (0002).
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema;
  await s
    .createTable("lists")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("replies_policy", "text", (c) => c.notNull().defaultTo("list")) // followed, list, none
    .addColumn("exclusive", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await s.createIndex("lists_account").on("lists").columns(["account_id", "id"]).execute();

  // A member hangs on the owner's follow of it: unfollowing (or a block ending the follow)
  // takes the account out of the owner's lists through the foreign key, as in Mastodon.
  await s
    .createTable("list_accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("list_id", "text", (c) => c.notNull().references("lists.id").onDelete("cascade"))
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("follow_id", "text", (c) => c.notNull().references("follows.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("list_accounts_unique", ["list_id", "account_id"])
    .execute();
  // The home timeline's exclusive-list check and GET /accounts/:id/lists probe by member.
  await s
    .createIndex("list_accounts_account")
    .on("list_accounts")
    .columns(["account_id", "list_id"])
    .execute();
  await s.createIndex("list_accounts_follow").on("list_accounts").column("follow_id").execute();

  await s
    .createTable("account_conversations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("thread_id", "text", (c) => c.notNull())
    // The other participants' account IDs, sorted, space-separated ("" when alone)
    .addColumn("participant_ids", "text", (c) => c.notNull())
    // The newest status ever added: the order and the paging cursor
    .addColumn("last_status_id", "text", (c) => c.notNull())
    .addColumn("unread", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("account_conversations_unique", [
      "account_id",
      "thread_id",
      "participant_ids",
    ])
    .execute();
  await s
    .createIndex("account_conversations_last")
    .on("account_conversations")
    .columns(["account_id", "last_status_id"])
    .execute();
  await s
    .createTable("account_conversation_statuses")
    .addColumn("conversation_id", "text", (c) =>
      c.notNull().references("account_conversations.id").onDelete("cascade"),
    )
    .addColumn("status_id", "text", (c) =>
      c.notNull().references("statuses.id").onDelete("cascade"),
    )
    .addPrimaryKeyConstraint("account_conversation_statuses_pk", ["conversation_id", "status_id"])
    .execute();
  await s
    .createIndex("account_conversation_statuses_status")
    .on("account_conversation_statuses")
    .column("status_id")
    .execute();

  // Tags a local account follows (their public posts join its home feed) and features.
  for (const table of ["tag_follows", "featured_tags"]) {
    await s
      .createTable(table)
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("account_id", "text", (c) =>
        c.notNull().references("accounts.id").onDelete("cascade"),
      )
      .addColumn("tag_id", "text", (c) => c.notNull().references("tags.id").onDelete("cascade"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addUniqueConstraint(`${table}_unique`, ["account_id", "tag_id"])
      .execute();
  }
  // The fan-out finds a tag's followers by tag.
  await s.createIndex("tag_follows_tag").on("tag_follows").column("tag_id").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("featured_tags").execute();
  await db.schema.dropTable("tag_follows").execute();
  await db.schema.dropTable("account_conversation_statuses").execute();
  await db.schema.dropTable("account_conversations").execute();
  await db.schema.dropTable("list_accounts").execute();
  await db.schema.dropTable("lists").execute();
}
