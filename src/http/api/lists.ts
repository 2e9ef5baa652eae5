// Lists: GET/POST /api/v1/lists, GET/PUT/DELETE /api/v1/lists/:id, GET/POST/DELETE
// /api/v1/lists/:id/accounts (limit=0 lists every member, as Mastodon), GET
// /api/v1/accounts/:id/lists and the list timeline GET /api/v1/timelines/list/:id.
import { Hono } from "hono";
import { z } from "zod";
import { getVisibleAccount } from "../../domain/accounts/queries.ts";
import type { Context } from "../../domain/context.ts";
import {
  createList,
  deleteList,
  getOwnList,
  listLists,
  listsContaining,
  REPLIES_POLICIES,
  updateList,
} from "../../domain/lists/lists.ts";
import { addMembers, listMembers, removeMembers } from "../../domain/lists/members.ts";
import { listTimeline } from "../../domain/timelines/list.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderAccount } from "../entities/account.ts";
import { renderList } from "../entities/list.ts";
import { renderStatuses } from "../entities/status.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams } from "../params.ts";
import { zBool, zStringList } from "../schemas.ts";
import { ACCOUNT_LIMITS } from "./accounts-relationships.ts";
import { STATUS_LIMITS } from "./timelines.ts";

const listSchema = z.object({
  title: z.string({ error: "must be a string" }).optional(),
  replies_policy: z
    .enum(REPLIES_POLICIES as [string, ...string[]], {
      error: "must be one of followed, list, none",
    })
    .optional(),
  exclusive: zBool,
});

const membersSchema = z.object({ account_ids: zStringList });

async function readList(c: Parameters<typeof bodyParams>[0]) {
  const p = listSchema.parse(await bodyParams(c));
  return {
    title: p.title,
    repliesPolicy: p.replies_policy as (typeof REPLIES_POLICIES)[number] | undefined,
    exclusive: p.exclusive,
  };
}

export function listRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/api/v1/lists", async (c) => {
    const viewer = requireUser(c, "read:lists");
    return c.json((await listLists(ctx, viewer)).map(renderList));
  });

  app.post("/api/v1/lists", async (c) => {
    const viewer = requireUser(c, "write:lists");
    return c.json(renderList(await createList(ctx, viewer, await readList(c))));
  });

  app.get("/api/v1/lists/:id", async (c) => {
    const viewer = requireUser(c, "read:lists");
    return c.json(renderList(await getOwnList(ctx, viewer, c.req.param("id"))));
  });

  app.put("/api/v1/lists/:id", async (c) => {
    const viewer = requireUser(c, "write:lists");
    const input = await readList(c);
    return c.json(renderList(await updateList(ctx, viewer, c.req.param("id"), input)));
  });

  app.delete("/api/v1/lists/:id", async (c) => {
    const viewer = requireUser(c, "write:lists");
    await deleteList(ctx, viewer, c.req.param("id"));
    return c.json({});
  });

  app.get("/api/v1/lists/:id/accounts", async (c) => {
    const viewer = requireUser(c, "read:lists");
    // limit=0: every member at once, no paging (Mastodon's "unlimited").
    const page = c.req.query("limit") === "0" ? null : readPage(c, ACCOUNT_LIMITS);
    const result = await listMembers(ctx, viewer, c.req.param("id"), page);
    if (page) setLinkHeader(c, page, result.cursors);
    return c.json(result.accounts.map((a) => renderAccount(ctx.config, a)));
  });

  app.post("/api/v1/lists/:id/accounts", async (c) => {
    const viewer = requireUser(c, "write:lists");
    const p = membersSchema.parse(await bodyParams(c));
    await addMembers(ctx, viewer, c.req.param("id"), p.account_ids);
    return c.json({});
  });

  app.delete("/api/v1/lists/:id/accounts", async (c) => {
    const viewer = requireUser(c, "write:lists");
    const p = membersSchema.parse(await bodyParams(c));
    await removeMembers(ctx, viewer, c.req.param("id"), p.account_ids);
    return c.json({});
  });

  app.get("/api/v1/accounts/:id/lists", async (c) => {
    const viewer = requireUser(c, "read:lists");
    const account = await getVisibleAccount(ctx, c.req.param("id"));
    return c.json((await listsContaining(ctx, viewer, account.id)).map(renderList));
  });

  app.get("/api/v1/timelines/list/:id", async (c) => {
    const viewer = requireUser(c, "read:lists");
    const page = readPage(c, STATUS_LIMITS);
    const result = await listTimeline(ctx, viewer, c.req.param("id"), page);
    setLinkHeader(c, page, result.cursors);
    return c.json(renderStatuses(ctx.config, result.statuses));
  });

  return app;
}
