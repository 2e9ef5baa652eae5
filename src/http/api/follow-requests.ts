// GET /api/v1/follow_requests and POST /api/v1/follow_requests/:account_id/authorize|reject.
import { Hono } from "hono";
import { getVisibleAccount } from "../../domain/accounts/queries.ts";
import type { Context } from "../../domain/context.ts";
import { authorizeFollowRequest, rejectFollowRequest } from "../../domain/relationships/follow.ts";
import { listFollowRequests } from "../../domain/relationships/lists.ts";
import { loadRelationship } from "../../domain/relationships/relationships.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderAccount } from "../entities/account.ts";
import { renderRelationship } from "../entities/relationship.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { ACCOUNT_LIMITS } from "./accounts-relationships.ts";

export function followRequestRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/api/v1/follow_requests", async (c) => {
    const viewer = requireUser(c, "read:follows");
    const page = readPage(c, ACCOUNT_LIMITS);
    const result = await listFollowRequests(ctx, viewer, page);
    setLinkHeader(c, page, result.cursors);
    return c.json(result.accounts.map((a) => renderAccount(ctx.config, a)));
  });

  for (const [action, decide] of [
    ["authorize", authorizeFollowRequest],
    ["reject", rejectFollowRequest],
  ] as const) {
    app.post(`/api/v1/follow_requests/:id/${action}`, async (c) => {
      const viewer = requireUser(c, "write:follows");
      const requester = await getVisibleAccount(ctx, c.req.param("id"));
      await decide(ctx, requester.id, viewer.accountId);
      return c.json(
        renderRelationship(await loadRelationship(ctx, viewer.accountId, requester.id)),
      );
    });
  }

  return app;
}
