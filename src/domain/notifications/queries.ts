// Reading a viewer's notifications. Whatever the endpoint, the same rule applies when reading
// (`browsable`): nothing from suspended accounts, from accounts blocked either way, on a
// server the viewer blocked (unless followed), or muted with their notifications, nothing
// about a status the viewer may no longer see, and nothing their notification policy filtered
// unless asked for (`include_filtered`).
import type { Selectable } from "kysely";
import { sql } from "kysely";
import { isId } from "../../db/ids.ts";
import type { NotificationsTable } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { notFound } from "../errors.ts";
import { applyPage, finishPage, literalLimit, type Page } from "../pagination.ts";
import { notMutedBy, notShutOut } from "../relationships/exclusions.ts";
import type { Viewer } from "../viewer.ts";
import { visibleStatusFilter } from "../visibility.ts";
import { STATUS_TYPES } from "./notify.ts";

export type NotificationRow = Selectable<NotificationsTable>;

/** Every type Mastodon 4.5 knows, for `types[]` / `exclude_types[]` arithmetic. */
export const KNOWN_TYPES: readonly string[] = [
  "mention",
  "status",
  "reblog",
  "follow",
  "follow_request",
  "favourite",
  "poll",
  "update",
  "severed_relationships",
  "moderation_warning",
  "annual_report",
  "admin.sign_up",
  "admin.report",
  "quote",
  "quoted_update",
];

export interface NotificationFilter {
  types?: readonly string[];
  excludeTypes?: readonly string[];
  fromAccountId?: string;
  /** also those the viewer's notification policy filtered (`include_filtered`) */
  includeFiltered?: boolean;
}

/** Mastodon's `browserable`: unknown requested types are ignored, then exclusions apply. */
function requestedTypes(filter: NotificationFilter): string[] | null {
  const types = filter.types?.length
    ? KNOWN_TYPES.filter((t) => filter.types!.includes(t))
    : [...KNOWN_TYPES];
  const wanted = types.filter((t) => !filter.excludeTypes?.includes(t));
  return wanted.length === KNOWN_TYPES.length ? null : wanted;
}

/** The viewer's notifications that pass the reading rule, as a query to refine. */
export function browsable(ctx: Context, viewer: Viewer, filter: NotificationFilter = {}) {
  const me = viewer.accountId;
  const statusTypes = [...STATUS_TYPES];
  let q = ctx.db.kysely
    .selectFrom("notifications as n")
    .innerJoin("accounts as fa", "fa.id", "n.from_account_id")
    .selectAll("n")
    .where("n.account_id", "=", me)
    .where("fa.suspended_at", "is", null)
    .where(notShutOut(me, "n.from_account_id"))
    .where(notMutedBy(me, "n.from_account_id", { notificationsOnly: true }))
    .where((eb) =>
      eb.or([
        eb("n.type", "not in", statusTypes),
        eb.exists(
          eb
            .selectFrom("statuses as ns")
            .select("ns.id")
            .whereRef("ns.id", "=", "n.status_id")
            .where(visibleStatusFilter(viewer, "ns")),
        ),
      ]),
    );
  const types = requestedTypes(filter);
  if (types !== null)
    q = types.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where("n.type", "in", types);
  if (filter.fromAccountId) q = q.where("n.from_account_id", "=", filter.fromAccountId);
  if (!filter.includeFiltered) q = q.where("n.filtered", "=", 0);
  return q;
}

/** A page of notifications, newest first (v1). */
export async function listNotifications(
  ctx: Context,
  viewer: Viewer,
  filter: NotificationFilter,
  page: Page,
): Promise<NotificationRow[]> {
  if (filter.fromAccountId !== undefined && !isId(filter.fromAccountId)) return [];
  return finishPage(await applyPage(browsable(ctx, viewer, filter), "n.id", page).execute(), page);
}

export async function getNotification(
  ctx: Context,
  viewer: Viewer,
  id: string,
): Promise<NotificationRow> {
  if (!isId(id)) throw notFound();
  // One by one, a filtered notification can be read too (a request's mentions are).
  const row = await browsable(ctx, viewer, { includeFiltered: true })
    .where("n.id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function dismissNotification(ctx: Context, viewer: Viewer, id: string) {
  if (!isId(id)) throw notFound();
  const deleted = await ctx.db.kysely
    .deleteFrom("notifications")
    .where("id", "=", id)
    .where("account_id", "=", viewer.accountId)
    .executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) throw notFound();
}

/** Dismisses every notification of a group (no error when there is none, as Mastodon). */
export async function dismissGroup(ctx: Context, viewer: Viewer, groupKey: string) {
  let q = ctx.db.kysely.deleteFrom("notifications").where("account_id", "=", viewer.accountId);
  const id = ungroupedId(groupKey);
  if (id !== undefined) {
    if (id === null) return;
    q = q.where("id", "=", id);
  } else q = q.where("group_key", "=", groupKey);
  await q.execute();
}

export async function clearNotifications(ctx: Context, viewer: Viewer) {
  await ctx.db.kysely
    .deleteFrom("notifications")
    .where("account_id", "=", viewer.accountId)
    .execute();
}

/** For `ungrouped-<id>` keys: the ID (null if malformed); undefined for real group keys. */
export function ungroupedId(groupKey: string): string | null | undefined {
  if (!groupKey.startsWith("ungrouped-")) return undefined;
  const id = groupKey.slice("ungrouped-".length);
  return isId(id) ? id : null;
}

/** The notifications marker (what the user has read up to), if they have one. */
export async function notificationsMarker(ctx: Context, viewer: Viewer): Promise<string | null> {
  const row = await ctx.db.kysely
    .selectFrom("markers")
    .select("last_read_id")
    .where("account_id", "=", viewer.accountId)
    .where("timeline", "=", "notifications")
    .executeTakeFirst();
  return row && isId(row.last_read_id) ? row.last_read_id : null;
}

/** Notifications after the marker, counted up to `limit` (v1 unread_count). */
export async function countUnread(
  ctx: Context,
  viewer: Viewer,
  filter: NotificationFilter,
  limit: number,
): Promise<number> {
  const marker = await notificationsMarker(ctx, viewer);
  let q = browsable(ctx, viewer, filter).clearSelect().select("n.id");
  if (marker) q = q.where("n.id", ">", marker);
  const row = await ctx.db.kysely
    .selectFrom(q.limit(literalLimit(limit)).as("unread"))
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Notification groups after the marker, counted up to `limit` (v2 unread_count). */
export async function countUnreadGroups(
  ctx: Context,
  viewer: Viewer,
  filter: NotificationFilter,
  groupedTypes: readonly string[],
  limit: number,
): Promise<number> {
  const marker = await notificationsMarker(ctx, viewer);
  const key =
    groupedTypes.length > 0
      ? sql<string>`CASE WHEN n.type IN (${sql.join([...groupedTypes])}) THEN n.group_key ELSE 'ungrouped-' || n.id END`
      : sql<string>`'ungrouped-' || n.id`;
  let q = browsable(ctx, viewer, filter).clearSelect().select(key.as("k")).distinct();
  if (marker) q = q.where("n.id", ">", marker);
  const row = await ctx.db.kysely
    .selectFrom(q.limit(literalLimit(limit)).as("unread"))
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
