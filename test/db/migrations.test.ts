import assert from "node:assert/strict";
import { it } from "node:test";
import { type Kysely, sql } from "kysely";
import { migrateToLatest, pendingMigrations } from "../../src/db/migrate.ts";
import { migrations } from "../../src/db/migrations/index.ts";
import { eachDatabase } from "../helpers/databases.ts";

eachDatabase("migrations", (fixture) => {
  it("leave nothing pending and are a no-op when run again", async () => {
    const { db } = fixture();
    assert.deepEqual(await pendingMigrations(db), []);
    assert.deepEqual((await migrateToLatest(db)).applied, []);
  });

  it("create the core tables", async () => {
    const { db } = fixture();
    for (const table of [
      "accounts",
      "users",
      "jobs",
      "statuses",
      "follows",
      "notifications",
      "oauth_tokens",
    ]) {
      const rows = await sql`SELECT COUNT(*) AS n FROM ${sql.table(table)}`.execute(db.kysely);
      assert.equal(Number((rows.rows[0] as { n: unknown }).n), 0, table);
    }
  });

  it("never leave a half-migrated schema when one fails", async () => {
    const { db } = fixture();
    const broken = {
      ...migrations,
      "9998_good": {
        // biome-ignore lint/suspicious/noExplicitAny: test migration
        up: async (k: Kysely<any>) => {
          await k.schema.createTable("half_done").addColumn("id", "text").execute();
        },
      },
      "9999_bad": {
        // biome-ignore lint/suspicious/noExplicitAny: test migration
        up: async (k: Kysely<any>) => {
          await sql`SELECT * FROM table_that_does_not_exist`.execute(k);
        },
      },
    };
    await assert.rejects(migrateToLatest(db, broken), /migration 9999_bad failed/);
    await assert.rejects(sql`SELECT * FROM half_done`.execute(db.kysely));
    assert.deepEqual(await pendingMigrations(db), []);
  });

  it("enforce one account per handle, case-insensitively, local and remote apart", async () => {
    const { db } = fixture();
    const now = new Date().toISOString();
    const row = (id: string, username: string, domain: string | null) => ({
      id,
      username,
      domain,
      uri: `https://${domain ?? "local"}/users/${id}`,
      created_at: now,
      updated_at: now,
    });
    await db.kysely
      .insertInto("accounts")
      .values(row("100000000000000001", "Alice", null))
      .execute();
    await db.kysely
      .insertInto("accounts")
      .values(row("100000000000000002", "alice", "remote.example"))
      .execute();
    await assert.rejects(
      db.kysely
        .insertInto("accounts")
        .values(row("100000000000000003", "ALICE", null))
        .execute(),
    );
  });
});
