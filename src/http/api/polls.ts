// GET /api/v1/polls/:id and POST /api/v1/polls/:id/votes.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import { loadPollView } from "../../domain/polls/views.ts";
import { findVisiblePoll, voteInPoll } from "../../domain/polls/votes.ts";
import { type AppEnv, optionalViewer, requireUser } from "../auth.ts";
import { renderPoll } from "../entities/poll.ts";
import { bodyParams } from "../params.ts";
import { zStringList } from "../schemas.ts";

const voteSchema = z.object({
  // Numbers from JSON, strings from forms; anything else is no option at all (-1).
  choices: z.preprocess(
    (v) => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map(String),
    zStringList.transform((list) =>
      list.filter((c) => c !== "").map((c) => (/^\d{1,6}$/.test(c.trim()) ? Number(c) : -1)),
    ),
  ),
});

export function pollRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/api/v1/polls/:id", async (c) => {
    const viewer = optionalViewer(c, "read:statuses");
    const poll = await findVisiblePoll(ctx, viewer, c.req.param("id"));
    return c.json(renderPoll(await loadPollView(ctx, viewer?.accountId ?? null, poll)));
  });

  app.post("/api/v1/polls/:id/votes", async (c) => {
    const viewer = requireUser(c, "write:statuses");
    const { choices } = voteSchema.parse(await bodyParams(c));
    const poll = await voteInPoll(ctx, viewer, c.req.param("id"), choices);
    return c.json(renderPoll(await loadPollView(ctx, viewer.accountId, poll)));
  });

  return app;
}
