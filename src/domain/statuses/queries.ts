// Reading statuses by ID, always through the visibility rule: a status the viewer may not see
// is "not found", never "forbidden", so its existence does not leak.
import type { Selectable } from "kysely";
import { isId } from "../../db/ids.ts";
import type { StatusesTable } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { notFound } from "../errors.ts";
import type { Viewer } from "../viewer.ts";
import { visibleStatusFilter } from "../visibility.ts";

export type StatusRow = Selectable<StatusesTable>;

/** The status if it exists and `viewer` may see it, else a 404 DomainError. */
export async function findVisibleStatus(
  ctx: Context,
  viewer: Viewer | null,
  id: string,
): Promise<StatusRow> {
  if (!isId(id)) throw notFound();
  const row = await ctx.db.kysely
    .selectFrom("statuses")
    .selectAll("statuses")
    .where("statuses.id", "=", id)
    .where(visibleStatusFilter(viewer))
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** The visible ones among `ids`, in the order asked for (Mastodon's `GET /statuses?id[]=`). */
export async function findVisibleStatuses(
  ctx: Context,
  viewer: Viewer | null,
  ids: readonly string[],
): Promise<StatusRow[]> {
  const wanted = [...new Set(ids.filter(isId))];
  if (wanted.length === 0) return [];
  const rows = await ctx.db.kysely
    .selectFrom("statuses")
    .selectAll("statuses")
    .where("statuses.id", "in", wanted)
    .where(visibleStatusFilter(viewer))
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return wanted.flatMap((id) => byId.get(id) ?? []);
}

/** Rows by ID without any visibility check: for rendering what was already checked. */
export async function getStatusRows(
  ctx: Context,
  ids: readonly string[],
): Promise<Map<string, StatusRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.db.kysely
    .selectFrom("statuses")
    .selectAll()
    .where("id", "in", unique)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** The local URI and URL of a status, as Mastodon spells them. */
export function localStatusUris(origin: string, username: string, id: string, reblog: boolean) {
  const uri = `${origin}/users/${username}/statuses/${id}`;
  return reblog
    ? { uri: `${uri}/activity`, url: `${uri}/activity` }
    : { uri, url: `${origin}/@${username}/${id}` };
}
