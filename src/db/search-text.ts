// The text full-text search indexes, and the has:link test, as SQL functions of the same name on
// both databases: `kith_search_text(content, spoiler_text)` and `kith_has_link(content)`.
// PostgreSQL gets them as SQL functions (migration 0013); SQLite has no regular expressions,
// so node:sqlite registers these JavaScript versions on every connection (sqlite-connection.ts).
// Triggers and indexes call them, so every write path (posting, receiving, editing, deleting)
// keeps the index in step without knowing it exists. The two versions must agree: keep the
// patterns below and the SQL in the migration the same. Changing either means a new migration
// that replaces the functions and rebuilds the index (PostgreSQL inlines the function into the
// index expression, so an old index would not notice).

/** Tags become spaces; the entities Kith's and the sanitiser's HTML use are decoded. */
export const TAG_PATTERN = "<[^>]*>";

/** An `<a href>` that is neither a mention nor a hashtag (Mastodon's classes for those). */
export const LINK_PATTERN = '<a\\s(?![^>]*class="[^"]*(mention|hashtag))[^>]*href="https?://';

const ENTITIES: [string, string][] = [
  ["&lt;", "<"],
  ["&gt;", ">"],
  ["&quot;", '"'],
  ["&#39;", "'"],
  ["&nbsp;", " "],
  // last, so that "&amp;lt;" stays "&lt;" as written
  ["&amp;", "&"],
];

const tags = new RegExp(TAG_PATTERN, "g");
const link = new RegExp(LINK_PATTERN);

/** The plain text of a status for the index: its content warning, then its text. */
export function searchText(content: string | null, spoilerText: string | null): string {
  let text = (content ?? "").replace(tags, " ");
  for (const [entity, char] of ENTITIES) text = text.replaceAll(entity, char);
  return `${spoilerText ?? ""} ${text}`;
}

export function hasLink(content: string | null): boolean {
  return link.test(content ?? "");
}

/** The PostgreSQL versions (same patterns, same entity order). */
export function postgresSearchFunctions(): string[] {
  const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
  let text = `regexp_replace(content, ${quote(TAG_PATTERN)}, ' ', 'g')`;
  for (const [entity, char] of ENTITIES)
    text = `replace(${text}, ${quote(entity)}, ${quote(char)})`;
  return [
    `CREATE FUNCTION kith_search_text(content text, spoiler_text text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE
       AS $$ SELECT coalesce(spoiler_text, '') || ' ' || coalesce(${text}, '') $$`,
    `CREATE FUNCTION kith_has_link(content text) RETURNS boolean
       LANGUAGE sql IMMUTABLE PARALLEL SAFE
       AS $$ SELECT coalesce(content ~ ${quote(LINK_PATTERN)}, false) $$`,
  ];
}
