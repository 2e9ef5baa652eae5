// Direct conversations: GET /api/v1/conversations (paged by the newest status, Link headers),
// POST /api/v1/conversations/:id/read and DELETE /api/v1/conversations/:id.
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import {
  deleteConversation,
  listConversations,
  readConversation,
} from "../../domain/conversations/conversations.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderConversation } from "../entities/list.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { STATUS_LIMITS } from "./timelines.ts";

export function conversationRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/api/v1/conversations", async (c) => {
    const viewer = requireUser(c, "read:statuses");
    const page = readPage(c, STATUS_LIMITS);
    const result = await listConversations(ctx, viewer, page);
    setLinkHeader(c, page, result.cursors);
    return c.json(result.conversations.map((v) => renderConversation(ctx.config, v)));
  });

  app.post("/api/v1/conversations/:id/read", async (c) => {
    const viewer = requireUser(c, "write:conversations");
    const view = await readConversation(ctx, viewer, c.req.param("id"));
    return c.json(renderConversation(ctx.config, view));
  });

  app.delete("/api/v1/conversations/:id", async (c) => {
    const viewer = requireUser(c, "write:conversations");
    await deleteConversation(ctx, viewer, c.req.param("id"));
    return c.json({});
  });

  return app;
}
