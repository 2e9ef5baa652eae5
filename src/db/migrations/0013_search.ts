// Full-text search of statuses, kept in step with the statuses table by the database itself so
// that every write path (posting, receiving, editing, deleting, an account's cascade) updates
// it: on SQLite an FTS5 table filled by triggers, on PostgreSQL a GIN index over a tsvector
// expression. Both index the plain text of the content warning and the content
// (`kith_search_text`, see search-text.ts) with language-neutral tokenising ('simple' on
// PostgreSQL, unicode61 on SQLite, no stemming, case-folded, accents kept). Reblogs are not
// indexed: their text is their original's. Also an index for hashtag prefixes on PostgreSQL.
import { type Kysely, PostgresAdapter, sql } from "kysely";
import { postgresSearchFunctions } from "../search-text.ts";

// The FTS5 rowid is the status ID as an integer (IDs are 18 digits, below 2^63).
const SQLITE = [
  `CREATE VIRTUAL TABLE status_search USING fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`,
  `CREATE TRIGGER status_search_insert AFTER INSERT ON statuses WHEN new.reblog_of_id IS NULL
   BEGIN
     INSERT INTO status_search (rowid, body) VALUES (CAST(new.id AS INTEGER), kith_search_text(new.content, new.spoiler_text));
   END`,
  `CREATE TRIGGER status_search_update AFTER UPDATE OF content, spoiler_text ON statuses WHEN new.reblog_of_id IS NULL
   BEGIN
     DELETE FROM status_search WHERE rowid = CAST(old.id AS INTEGER);
     INSERT INTO status_search (rowid, body) VALUES (CAST(new.id AS INTEGER), kith_search_text(new.content, new.spoiler_text));
   END`,
  `CREATE TRIGGER status_search_delete AFTER DELETE ON statuses WHEN old.reblog_of_id IS NULL
   BEGIN
     DELETE FROM status_search WHERE rowid = CAST(old.id AS INTEGER);
   END`,
  `INSERT INTO status_search (rowid, body)
   SELECT CAST(id AS INTEGER), kith_search_text(content, spoiler_text) FROM statuses WHERE reblog_of_id IS NULL`,
];

const POSTGRES = [
  ...postgresSearchFunctions(),
  `CREATE INDEX statuses_search ON statuses
   USING gin (to_tsvector('simple'::regconfig, kith_search_text(content, spoiler_text)))
   WHERE reblog_of_id IS NULL`,
  `CREATE INDEX tags_name_prefix ON tags (lower(name) text_pattern_ops)`,
];

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not follow the current schema type
const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

// biome-ignore lint/suspicious/noExplicitAny: see isPostgres
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of isPostgres(db) ? POSTGRES : SQLITE) await sql.raw(statement).execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see isPostgres
export async function down(db: Kysely<any>): Promise<void> {
  const statements = isPostgres(db)
    ? [
        "DROP INDEX tags_name_prefix",
        "DROP INDEX statuses_search",
        "DROP FUNCTION kith_has_link(text)",
        "DROP FUNCTION kith_search_text(text, text)",
      ]
    : [
        "DROP TRIGGER status_search_delete",
        "DROP TRIGGER status_search_update",
        "DROP TRIGGER status_search_insert",
        "DROP TABLE status_search",
      ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
