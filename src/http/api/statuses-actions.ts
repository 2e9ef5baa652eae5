// Actions on a status (favourite, reblog, bookmark, pin, mute and their undoing) and the lists
// of who favourited or reblogged it.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import { favouritedBy, rebloggedBy } from "../../domain/statuses/interacted-by.ts";
import {
  bookmark,
  favourite,
  muteConversation,
  pin,
  unbookmark,
  unfavourite,
  unpin,
} from "../../domain/statuses/interactions.ts";
import type { StatusRow } from "../../domain/statuses/queries.ts";
import { reblog, unreblog } from "../../domain/statuses/reblogs.ts";
import type { Viewer } from "../../domain/viewer.ts";
import { type AppEnv, optionalViewer, requireUser } from "../auth.ts";
import { renderAccount } from "../entities/account.ts";
import { renderStatusRow } from "../entities/status.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams } from "../params.ts";

type Action = (ctx: Context, viewer: Viewer, id: string) => Promise<StatusRow>;

const ACTIONS: [string, string, Action][] = [
  ["favourite", "write:favourites", favourite],
  ["unfavourite", "write:favourites", unfavourite],
  ["bookmark", "write:bookmarks", bookmark],
  ["unbookmark", "write:bookmarks", unbookmark],
  ["pin", "write:accounts", pin],
  ["unpin", "write:accounts", unpin],
  ["mute", "write:mutes", (ctx, viewer, id) => muteConversation(ctx, viewer, id, true)],
  ["unmute", "write:mutes", (ctx, viewer, id) => muteConversation(ctx, viewer, id, false)],
  ["unreblog", "write:statuses", unreblog],
];

const reblogSchema = z.object({
  visibility: z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.enum(["public", "unlisted", "private"]).optional(),
  ),
});

const ACCOUNT_LIMITS = { default: 40, max: 80 };

export function statusActionRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  for (const [name, scope, action] of ACTIONS) {
    app.post(`/api/v1/statuses/:id/${name}`, async (c) => {
      const viewer = requireUser(c, scope);
      const row = await action(ctx, viewer, c.req.param("id"));
      return c.json(await renderStatusRow(ctx, viewer, row));
    });
  }

  app.post("/api/v1/statuses/:id/reblog", async (c) => {
    const viewer = requireUser(c, "write:statuses");
    const { visibility } = reblogSchema.parse(await bodyParams(c));
    const row = await reblog(ctx, viewer, c.req.param("id"), visibility);
    return c.json(await renderStatusRow(ctx, viewer, row));
  });

  const accountsRoute = (path: string, list: typeof favouritedBy) =>
    app.get(path, async (c: HonoContext<AppEnv>) => {
      const viewer = optionalViewer(c, "read:accounts");
      const page = readPage(c, ACCOUNT_LIMITS);
      const result = await list(ctx, viewer, c.req.param("id") ?? "", page);
      setLinkHeader(c, page, result.cursors);
      return c.json(result.accounts.map((a) => renderAccount(ctx.config, a)));
    });
  accountsRoute("/api/v1/statuses/:id/favourited_by", favouritedBy);
  accountsRoute("/api/v1/statuses/:id/reblogged_by", rebloggedBy);

  return app;
}
