// Notification requests (Mastodon 4.3): the filtered mentions of each sender, to accept or
// dismiss one by one or in bulk (`id[]`). Accepting merges at once, so `merged` is always true.
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import { notFound } from "../../domain/errors.ts";
import {
  acceptNotificationRequests,
  dismissNotificationRequests,
  getNotificationRequest,
  listNotificationRequests,
  loadNotificationRequestViews,
} from "../../domain/notifications/requests.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderNotificationRequest } from "../entities/notification-request.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams } from "../params.ts";

const REQUEST_LIMITS = { default: 40, max: 80 };
const BASE = "/api/v1/notifications/requests";

function idList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map(String);
}

export function notificationRequestRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get(BASE, async (c) => {
    const viewer = requireUser(c, "read:notifications");
    const page = readPage(c, REQUEST_LIMITS);
    const rows = await listNotificationRequests(ctx, viewer, page);
    setLinkHeader(
      c,
      page,
      rows.map((r) => r.id),
    );
    const views = await loadNotificationRequestViews(ctx, viewer, rows);
    return c.json(rows.flatMap((r) => renderNotificationRequest(ctx.config, r, views) ?? []));
  });

  app.get(`${BASE}/merged`, (c) => {
    requireUser(c, "read:notifications");
    return c.json({ merged: true });
  });

  for (const [action, apply] of [
    ["accept", acceptNotificationRequests],
    ["dismiss", dismissNotificationRequests],
  ] as const) {
    app.post(`${BASE}/${action}`, async (c) => {
      const viewer = requireUser(c, "write:notifications");
      await apply(ctx, viewer, idList((await bodyParams(c)).id));
      return c.json({});
    });
    app.post(`${BASE}/:id{[0-9]+}/${action}`, async (c) => {
      const viewer = requireUser(c, "write:notifications");
      await apply(ctx, viewer, [c.req.param("id")]);
      return c.json({});
    });
  }

  app.get(`${BASE}/:id{[0-9]+}`, async (c) => {
    const viewer = requireUser(c, "read:notifications");
    const row = await getNotificationRequest(ctx, viewer, c.req.param("id"));
    const views = await loadNotificationRequestViews(ctx, viewer, [row]);
    const rendered = renderNotificationRequest(ctx.config, row, views);
    if (!rendered) throw notFound();
    return c.json(rendered);
  });

  return app;
}
