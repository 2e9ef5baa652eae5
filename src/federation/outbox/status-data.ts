// What a local status needs to become a Note or a Question (its author, mentions, hashtags,
// poll and media), loaded for many statuses in a fixed number of queries: for a delivery, the status
// object dispatcher and the outbox and featured collections.
import { acct } from "../../domain/accounts/queries.ts";
import type { Context } from "../../domain/context.ts";
import { loadStatusMedia, type MediaRow, parseMeta } from "../../domain/media/queries.ts";
import { mediaStorage } from "../../domain/media/storage.ts";
import { type Poll, toPoll } from "../../domain/polls/store.ts";
import type { StatusRow } from "../../domain/statuses/queries.ts";

export interface NoteMention {
  uri: string;
  /** `user` for a local account, `user@domain` for a remote one */
  acct: string;
}

export interface NoteSource {
  status: StatusRow;
  author: { id: string; username: string; uri: string };
  mentions: NoteMention[];
  /** hashtag names as written */
  tags: string[];
  /** a poll makes the status a Question */
  poll: Poll | null;
  /** attachments, in order */
  media: NoteMedia[];
}

export interface NoteMedia {
  url: string;
  mediaType: string;
  description: string | null;
  blurhash: string | null;
  focus: { x: number; y: number } | null;
  width: number | null;
  height: number | null;
}

function groupBy<T, V>(rows: T[], key: (row: T) => string, value: (row: T) => V) {
  const map = new Map<string, V[]>();
  for (const row of rows) {
    const list = map.get(key(row));
    if (list) list.push(value(row));
    else map.set(key(row), [value(row)]);
  }
  return map;
}

/** Sources for the given rows, in their order; rows whose author is gone are left out. */
export async function loadNoteSources(
  ctx: Context,
  rows: readonly StatusRow[],
): Promise<NoteSource[]> {
  if (rows.length === 0) return [];
  const { kysely } = ctx.db;
  const ids = rows.map((r) => r.id);
  const [authors, mentions, tags, polls, media] = await Promise.all([
    kysely
      .selectFrom("accounts")
      .select(["id", "username", "uri"])
      .where("id", "in", [...new Set(rows.map((r) => r.account_id))])
      .execute(),
    kysely
      .selectFrom("status_mentions")
      .innerJoin("accounts", "accounts.id", "status_mentions.account_id")
      .select(["status_mentions.status_id", "accounts.uri", "accounts.username", "accounts.domain"])
      .where("status_mentions.status_id", "in", ids)
      // A mention an edit dropped is neither tagged nor addressed (statusRecipients still
      // delivers the Update to it, as Mastodon does).
      .where("status_mentions.silent", "=", 0)
      .orderBy("accounts.id")
      .execute(),
    kysely
      .selectFrom("status_tags")
      .innerJoin("tags", "tags.id", "status_tags.tag_id")
      .select(["status_tags.status_id", "tags.name"])
      .where("status_tags.status_id", "in", ids)
      .orderBy("tags.name")
      .execute(),
    kysely.selectFrom("polls").selectAll().where("status_id", "in", ids).execute(),
    loadStatusMedia(ctx, ids),
  ]);
  const storage = mediaStorage(ctx.config);
  const noteMedia = (rows: MediaRow[]): NoteMedia[] =>
    rows.flatMap((m) => {
      const url = m.file_key ? storage.url(m.file_key) : m.remote_url;
      if (!url) return [];
      const meta = parseMeta(m.meta);
      return [
        {
          url,
          mediaType: m.content_type ?? "application/octet-stream",
          description: m.description,
          blurhash: m.blurhash,
          focus: meta.focus ?? null,
          width: meta.original?.width ?? null,
          height: meta.original?.height ?? null,
        },
      ];
    });
  const pollOf = new Map(polls.map((p) => [p.status_id, toPoll(p)]));
  const authorById = new Map(authors.map((a) => [a.id, a]));
  const mentionsOf = groupBy(
    mentions,
    (m) => m.status_id,
    (m) => ({ uri: m.uri, acct: acct(m) }),
  );
  const tagsOf = groupBy(
    tags,
    (t) => t.status_id,
    (t) => t.name,
  );
  return rows.flatMap((status) => {
    const author = authorById.get(status.account_id);
    if (!author) return [];
    return [
      {
        status,
        author,
        mentions: mentionsOf.get(status.id) ?? [],
        tags: tagsOf.get(status.id) ?? [],
        poll: pollOf.get(status.id) ?? null,
        media: noteMedia(media.get(status.id) ?? []),
      },
    ];
  });
}

/** What the reblogs among `rows` reblog: each original's AP id and author, by status id. */
export async function rebloggedObjects(
  ctx: Context,
  rows: readonly StatusRow[],
): Promise<Map<string, { uri: string; authorUri: string }>> {
  const ids = [...new Set(rows.flatMap((r) => (r.reblog_of_id ? [r.reblog_of_id] : [])))];
  if (ids.length === 0) return new Map();
  const originals = await ctx.db.kysely
    .selectFrom("statuses")
    .innerJoin("accounts", "accounts.id", "statuses.account_id")
    .select(["statuses.id", "statuses.uri", "accounts.uri as authorUri"])
    .where("statuses.id", "in", ids)
    .execute();
  return new Map(originals.map((o) => [o.id, { uri: o.uri, authorUri: o.authorUri }]));
}
