// What a local user typed for their profile, kept beside the rendered HTML so that
// verify_credentials can give it back (`source.note`, `source.fields`), plus the 4.4/4.5
// profile settings: attribution domains and the default quote policy.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("accounts")
    .addColumn("note_source", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  // JSON: [{name, value}] as typed
  await db.schema
    .alterTable("accounts")
    .addColumn("fields_source", "text", (c) => c.notNull().defaultTo("[]"))
    .execute();
  // JSON: string[] of domains allowed to credit this account as author
  await db.schema
    .alterTable("accounts")
    .addColumn("attribution_domains", "text", (c) => c.notNull().defaultTo("[]"))
    .execute();
  await db.schema
    .alterTable("users")
    .addColumn("default_quote_policy", "text", (c) => c.notNull().defaultTo("public"))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("default_quote_policy").execute();
  for (const column of ["attribution_domains", "fields_source", "note_source"]) {
    await db.schema.alterTable("accounts").dropColumn(column).execute();
  }
}
