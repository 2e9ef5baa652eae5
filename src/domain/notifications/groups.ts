// Grouped notifications (Mastodon 4.3+ `/api/v2/notifications`), following its
// Notification::Groups and NotificationGroup: a page holds at most one notification per group,
// walked newest-first (or oldest-first after `min_id`), and each group then reports how many
// notifications it has up to the page's newest, who sent the latest ones, and where in the
// page it starts.
import type { Context } from "../context.ts";
import type { Page } from "../pagination.ts";
import { literalLimit } from "../pagination.ts";
import type { Viewer } from "../viewer.ts";
import { GROUPABLE_TYPES } from "./notify.ts";
import {
  browsable,
  type NotificationFilter,
  type NotificationRow,
  ungroupedId,
} from "./queries.ts";

/** Mastodon shows up to this many accounts per group. */
export const SAMPLE_ACCOUNTS = 8;

export interface NotificationGroup {
  groupKey: string;
  type: string;
  /** the notification standing for the group on this page */
  notification: NotificationRow;
  count: number;
  mostRecentId: string;
  sampleAccountIds: string[];
  /** only when paginating: the group's oldest notification on this page and latest time */
  page: { minId: string; latestAt: string } | null;
}

export interface GroupedPage {
  groups: NotificationGroup[];
  /** the representative notification IDs, newest first, for the Link header */
  cursors: string[];
}

/** Which types are grouped: `grouped_types[]` narrowed to the groupable ones, else all of them. */
export function groupedTypesFrom(requested: readonly string[] | undefined): string[] {
  if (!requested || requested.length === 0) return [...GROUPABLE_TYPES];
  return [...GROUPABLE_TYPES].filter((t) => requested.includes(t));
}

const keyOf = (n: NotificationRow, grouped: readonly string[]) =>
  grouped.includes(n.type) && !n.group_key.startsWith("ungrouped-")
    ? n.group_key
    : `ungrouped-${n.id}`;

export async function listNotificationGroups(
  ctx: Context,
  viewer: Viewer,
  filter: NotificationFilter,
  groupedTypes: readonly string[],
  page: Page,
): Promise<GroupedPage> {
  const up = page.minId !== undefined;
  const picked: NotificationRow[] = [];
  const seen = new Set<string>();
  const batch = Math.max(page.limit * 2, 40);
  let cursor = up ? page.minId : page.maxId;
  for (;;) {
    let q = browsable(ctx, viewer, filter);
    if (up) {
      q = q.where("n.id", ">", cursor!);
      if (page.maxId) q = q.where("n.id", "<", page.maxId);
    } else {
      if (cursor) q = q.where("n.id", "<", cursor);
      if (page.sinceId) q = q.where("n.id", ">", page.sinceId);
    }
    const rows = await q
      .orderBy("n.id", up ? "asc" : "desc")
      .limit(literalLimit(batch))
      .execute();
    for (const row of rows) {
      const key = keyOf(row, groupedTypes);
      if (seen.has(key)) continue;
      seen.add(key);
      picked.push(row);
      if (picked.length >= page.limit) break;
    }
    if (picked.length >= page.limit || rows.length < batch) break;
    cursor = rows[rows.length - 1]!.id;
  }
  const notifications = up ? picked.reverse() : picked;
  if (notifications.length === 0) return { groups: [], cursors: [] };

  // The span of IDs this page stands for (Mastodon's pagination_range).
  let range: { from: string | null; to: string | null } = {
    from: notifications[notifications.length - 1]!.id,
    to: notifications[0]!.id,
  };
  if (notifications.length < page.limit) {
    range = up
      ? { from: range.from, to: page.maxId ? previousId(page.maxId) : null }
      : { from: page.sinceId ? nextId(page.sinceId) : null, to: range.to };
  }
  return {
    groups: await describeGroups(ctx, viewer, notifications, groupedTypes, range, {
      includeFiltered: filter.includeFiltered,
    }),
    cursors: notifications.map((n) => n.id),
  };
}

/** One group by key, as `GET /api/v2/notifications/:group_key` shows it (no page data). */
export async function getNotificationGroup(
  ctx: Context,
  viewer: Viewer,
  groupKey: string,
): Promise<NotificationGroup | null> {
  let q = browsable(ctx, viewer);
  const id = ungroupedId(groupKey);
  if (id === null) return null;
  q = id !== undefined ? q.where("n.id", "=", id) : q.where("n.group_key", "=", groupKey);
  const row = await q.orderBy("n.id", "desc").limit(1).executeTakeFirst();
  if (!row) return null;
  const [group] = await describeGroups(ctx, viewer, [row], [...GROUPABLE_TYPES], null);
  return group ?? null;
}

/** The senders of a group's notifications, newest first, paged by notification ID. */
export async function listGroupSenders(
  ctx: Context,
  viewer: Viewer,
  groupKey: string,
  page: Page,
): Promise<{ accountIds: string[]; cursors: string[] }> {
  let q = browsable(ctx, viewer).where("n.group_key", "=", groupKey);
  if (page.maxId) q = q.where("n.id", "<", page.maxId);
  if (page.sinceId) q = q.where("n.id", ">", page.sinceId);
  if (page.minId) q = q.where("n.id", ">", page.minId);
  let rows = await q
    .orderBy("n.id", page.minId ? "asc" : "desc")
    .limit(literalLimit(page.limit))
    .execute();
  if (page.minId) rows = rows.reverse();
  return {
    accountIds: rows.flatMap((r) => (r.from_account_id ? [r.from_account_id] : [])),
    cursors: rows.map((r) => r.id),
  };
}

async function describeGroups(
  ctx: Context,
  viewer: Viewer,
  notifications: NotificationRow[],
  groupedTypes: readonly string[],
  range: { from: string | null; to: string | null } | null,
  /** with `include_filtered`, a group counts its filtered members too */
  memberFilter: NotificationFilter = {},
): Promise<NotificationGroup[]> {
  const groups: NotificationGroup[] = [];
  for (const n of notifications) {
    const key = keyOf(n, groupedTypes);
    if (key.startsWith("ungrouped-")) {
      groups.push({
        groupKey: key,
        type: n.type,
        notification: n,
        count: 1,
        mostRecentId: n.id,
        sampleAccountIds: n.from_account_id ? [n.from_account_id] : [],
        page: range ? { minId: n.id, latestAt: n.created_at } : null,
      });
      continue;
    }
    let inGroup = browsable(ctx, viewer, memberFilter).where("n.group_key", "=", key);
    if (range?.to) inGroup = inGroup.where("n.id", "<=", range.to);
    const latest = await inGroup
      .orderBy("n.id", "desc")
      .limit(literalLimit(SAMPLE_ACCOUNTS))
      .execute();
    const counted = await inGroup
      .clearSelect()
      .select((eb) => eb.fn.countAll().as("count"))
      .executeTakeFirst();
    let minId: string | null = null;
    if (range) {
      let oldest = browsable(ctx, viewer, memberFilter).where("n.group_key", "=", key);
      if (range.from) oldest = oldest.where("n.id", ">=", range.from);
      const first = await oldest.orderBy("n.id", "asc").limit(1).executeTakeFirst();
      minId = first?.id ?? n.id;
    }
    const head = latest[0] ?? n;
    groups.push({
      groupKey: key,
      type: n.type,
      notification: n,
      count: Math.max(Number(counted?.count ?? 0), 1),
      mostRecentId: head.id,
      sampleAccountIds: [
        ...new Set(latest.flatMap((r) => (r.from_account_id ? [r.from_account_id] : []))),
      ],
      page: range ? { minId: minId ?? n.id, latestAt: head.created_at } : null,
    });
  }
  return groups;
}

// IDs are fixed-width digit strings, so "just below" and "just above" are plain arithmetic.
const width = (id: string) => id.length;
function previousId(id: string): string {
  return (BigInt(id) - 1n).toString().padStart(width(id), "0");
}
function nextId(id: string): string {
  return (BigInt(id) + 1n).toString().padStart(width(id), "0");
}
