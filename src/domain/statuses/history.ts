// Reading a status's edit history and its source. The history is visible to whoever may see
// the status, oldest version first: the original, then each edit. A status never edited has
// a history of one, its current version (as Mastodon answers). The source (the text as typed)
// is for the author alone; anyone else is told the status does not exist.
import { type AccountRow, getAccounts } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { notFound } from "../errors.ts";
import { loadStatusMedia, type MediaRow } from "../media/queries.ts";
import type { Viewer } from "../viewer.ts";
import { findVisibleStatus } from "./queries.ts";
import type { MediaSnapshot } from "./revise.ts";

export interface StatusVersion {
  /** the media of this version, with the description it had then */
  media: MediaRow[];
  content: string;
  spoilerText: string;
  sensitive: boolean;
  createdAt: string;
  account: AccountRow;
}

export interface StatusSource {
  id: string;
  text: string;
  spoilerText: string;
}

export async function statusHistory(
  ctx: Context,
  viewer: Viewer | null,
  id: string,
): Promise<StatusVersion[]> {
  const status = await findVisibleStatus(ctx, viewer, id);
  const edits = await ctx.db.kysely
    .selectFrom("status_edits")
    .select(["account_id", "content", "spoiler_text", "sensitive", "created_at", "media"])
    .where("status_id", "=", status.id)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const current = (await loadStatusMedia(ctx, [status.id])).get(status.id) ?? [];
  const versions =
    edits.length > 0
      ? edits
      : [
          {
            ...status,
            created_at: status.edited_at ?? status.created_at,
            media: JSON.stringify(current.map((m) => ({ id: m.id, description: m.description }))),
          },
        ];
  const snapshots = versions.map((v) => parseSnapshot(v.media));
  const ids = [...new Set(snapshots.flat().map((m) => m.id))];
  const rows = ids.length
    ? await ctx.db.kysely
        .selectFrom("media_attachments")
        .selectAll()
        .where("id", "in", ids)
        .execute()
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const accounts = await getAccounts(
    ctx,
    versions.map((v) => v.account_id),
  );
  return versions.flatMap((v, i) => {
    const account = accounts.get(v.account_id);
    if (!account) return [];
    // Media removed long ago may be gone; a version shows what is left of its own.
    const media = (snapshots[i] ?? []).flatMap((m) => {
      const row = byId.get(m.id);
      return row ? [{ ...row, description: m.description }] : [];
    });
    return [
      {
        media,
        content: v.content,
        spoilerText: v.spoiler_text,
        sensitive: v.sensitive === 1,
        createdAt: v.created_at,
        account,
      },
    ];
  });
}

function parseSnapshot(json: string | null): MediaSnapshot[] {
  if (!json) return [];
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? (value as MediaSnapshot[]) : [];
  } catch {
    return [];
  }
}

export async function statusSource(
  ctx: Context,
  viewer: Viewer,
  id: string,
): Promise<StatusSource> {
  const status = await findVisibleStatus(ctx, viewer, id);
  if (status.account_id !== viewer.accountId) throw notFound();
  return { id: status.id, text: status.text, spoilerText: status.spoiler_text };
}
