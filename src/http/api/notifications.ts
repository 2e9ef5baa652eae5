// Notifications: v1 (one by one) and v2 (grouped, Mastodon 4.3+), with unread counts measured
// from the notifications marker.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { getAccounts } from "../../domain/accounts/queries.ts";
import type { Context } from "../../domain/context.ts";
import { DomainError, notFound, validation } from "../../domain/errors.ts";
import {
  getNotificationGroup,
  groupedTypesFrom,
  listGroupSenders,
  listNotificationGroups,
} from "../../domain/notifications/groups.ts";
import {
  clearNotifications,
  countUnread,
  countUnreadGroups,
  dismissGroup,
  dismissNotification,
  getNotification,
  listNotifications,
  type NotificationFilter,
} from "../../domain/notifications/queries.ts";
import { loadNotificationViews } from "../../domain/notifications/views.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderAccount } from "../entities/account.ts";
import {
  type ExpandAccounts,
  renderGroupedNotifications,
  renderNotification,
  renderNotifications,
} from "../entities/notification.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams, queryParams } from "../params.ts";
import { zBool, zStringList } from "../schemas.ts";
import { ACCOUNT_LIMITS } from "./accounts-relationships.ts";

const NOTIFICATION_LIMITS = { default: 40, max: 80 };
const COUNT_LIMITS = { default: 100, max: 1000 };
// Kith's own group keys: `ungrouped-<id>`, `follow-<hour>`, `<type>-<status>-<hour>`. Anything
// else (e.g. `policy`, `requests`) is left to other routes.
const GROUP_KEY = ":group_key{[a-z_.]+-[0-9][0-9-]*}";

const filterSchema = z.object({
  types: zStringList.optional(),
  exclude_types: zStringList.optional(),
  account_id: z.string().optional(),
  grouped_types: zStringList.optional(),
  expand_accounts: z.string().optional(),
  include_filtered: zBool,
});

function readFilter(c: HonoContext): {
  filter: NotificationFilter;
  groupedTypes: string[];
  expand: ExpandAccounts;
} {
  const p = filterSchema.parse(queryParams(c));
  const expand = p.expand_accounts ?? "full";
  if (expand !== "full" && expand !== "partial_avatars")
    throw new DomainError(
      "bad_request",
      `Invalid value for 'expand_accounts': '${expand}', allowed values are 'full' and 'partial_avatars'`,
    );
  return {
    filter: {
      types: p.types,
      excludeTypes: p.exclude_types,
      fromAccountId: p.account_id || undefined,
      includeFiltered: p.include_filtered === true,
    },
    groupedTypes: groupedTypesFrom(p.grouped_types),
    expand,
  };
}

function countLimit(c: HonoContext): number {
  const raw = c.req.query("limit");
  if (raw === undefined || raw === "") return COUNT_LIMITS.default;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw validation("Validation failed: limit must be a positive integer");
  return Math.min(Math.max(n, 1), COUNT_LIMITS.max);
}

export function notificationRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // v1
  app.get("/api/v1/notifications", async (c) => {
    const viewer = requireUser(c, "read:notifications");
    const { filter } = readFilter(c);
    const page = readPage(c, NOTIFICATION_LIMITS);
    const rows = await listNotifications(ctx, viewer, filter, page);
    setLinkHeader(
      c,
      page,
      rows.map((r) => r.id),
    );
    const views = await loadNotificationViews(ctx, viewer, rows);
    return c.json(renderNotifications(ctx.config, rows, views));
  });

  app.get("/api/v1/notifications/unread_count", async (c) => {
    const viewer = requireUser(c, "read:notifications");
    const { filter } = readFilter(c);
    return c.json({ count: await countUnread(ctx, viewer, filter, countLimit(c)) });
  });

  app.post("/api/v1/notifications/clear", async (c) => {
    const viewer = requireUser(c, "write:notifications");
    await clearNotifications(ctx, viewer);
    return c.json({});
  });

  // The pre-3.x form, still sent by some clients: POST /api/v1/notifications/dismiss?id=…
  app.post("/api/v1/notifications/dismiss", async (c) => {
    const viewer = requireUser(c, "write:notifications");
    const id = (await bodyParams(c)).id;
    await dismissNotification(ctx, viewer, typeof id === "string" ? id : String(id ?? ""));
    return c.json({});
  });

  app.get("/api/v1/notifications/:id{[0-9]+}", async (c) => {
    const viewer = requireUser(c, "read:notifications");
    const row = await getNotification(ctx, viewer, c.req.param("id"));
    const rendered = renderNotification(
      ctx.config,
      row,
      await loadNotificationViews(ctx, viewer, [row]),
    );
    if (!rendered) throw notFound();
    return c.json(rendered);
  });

  app.post("/api/v1/notifications/:id{[0-9]+}/dismiss", async (c) => {
    const viewer = requireUser(c, "write:notifications");
    await dismissNotification(ctx, viewer, c.req.param("id"));
    return c.json({});
  });

  // v2, grouped
  app.get("/api/v2/notifications", async (c) => {
    const viewer = requireUser(c, "read:notifications");
    const { filter, groupedTypes, expand } = readFilter(c);
    const page = readPage(c, NOTIFICATION_LIMITS);
    const result = await listNotificationGroups(ctx, viewer, filter, groupedTypes, page);
    setLinkHeader(c, page, result.cursors);
    const views = await loadNotificationViews(
      ctx,
      viewer,
      result.groups.map((g) => g.notification),
      result.groups.flatMap((g) => g.sampleAccountIds),
    );
    return c.json(renderGroupedNotifications(ctx.config, result.groups, views, expand));
  });

  app.get("/api/v2/notifications/unread_count", async (c) => {
    const viewer = requireUser(c, "read:notifications");
    const { filter, groupedTypes } = readFilter(c);
    const count = await countUnreadGroups(ctx, viewer, filter, groupedTypes, countLimit(c));
    return c.json({ count });
  });

  app.post("/api/v2/notifications/clear", async (c) => {
    const viewer = requireUser(c, "write:notifications");
    await clearNotifications(ctx, viewer);
    return c.json({});
  });

  app.get(`/api/v2/notifications/${GROUP_KEY}`, async (c) => {
    const viewer = requireUser(c, "read:notifications");
    const group = await getNotificationGroup(ctx, viewer, c.req.param("group_key"));
    if (!group) throw notFound();
    const views = await loadNotificationViews(
      ctx,
      viewer,
      [group.notification],
      group.sampleAccountIds,
    );
    const result = renderGroupedNotifications(ctx.config, [group], views);
    if ((result.notification_groups as unknown[]).length === 0) throw notFound();
    return c.json(result);
  });

  app.post(`/api/v2/notifications/${GROUP_KEY}/dismiss`, async (c) => {
    const viewer = requireUser(c, "write:notifications");
    await dismissGroup(ctx, viewer, c.req.param("group_key"));
    return c.json({});
  });

  app.get(`/api/v2/notifications/${GROUP_KEY}/accounts`, async (c) => {
    const viewer = requireUser(c, "read:notifications");
    const page = readPage(c, ACCOUNT_LIMITS);
    const result = await listGroupSenders(ctx, viewer, c.req.param("group_key"), page);
    setLinkHeader(c, page, result.cursors);
    const accounts = await getAccounts(ctx, result.accountIds);
    return c.json(
      result.accountIds.flatMap((id) => {
        const account = accounts.get(id);
        return account ? [renderAccount(ctx.config, account)] : [];
      }),
    );
  });

  return app;
}
