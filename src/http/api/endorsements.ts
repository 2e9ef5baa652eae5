// Endorsements (featured accounts): POST /api/v1/accounts/:id/endorse and /unendorse (4.4; the
// older /pin and /unpin do the same), each answering with the Relationship; the viewer's list
// GET /api/v1/endorsements and anyone's GET /api/v1/accounts/:id/endorsements, paged by the
// endorsement with Link headers.

import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { getVisibleAccount } from "../../domain/accounts/queries.ts";
import type { Context } from "../../domain/context.ts";
import { endorse, listEndorsements, unendorse } from "../../domain/relationships/endorsements.ts";
import type { AccountPage } from "../../domain/relationships/lists.ts";
import { loadRelationship } from "../../domain/relationships/relationships.ts";
import { type AppEnv, optionalViewer, requireUser } from "../auth.ts";
import { renderAccount } from "../entities/account.ts";
import { renderRelationship } from "../entities/relationship.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { ACCOUNT_LIMITS } from "./accounts-relationships.ts";

export function endorsementRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  for (const [paths, run] of [
    [["endorse", "pin"], endorse],
    [["unendorse", "unpin"], unendorse],
  ] as const) {
    for (const path of paths)
      app.post(`/api/v1/accounts/:id/${path}`, async (c) => {
        const viewer = requireUser(c, "write:accounts");
        const target = await getVisibleAccount(ctx, c.req.param("id"));
        await run(ctx, viewer, target.id);
        return c.json(renderRelationship(await loadRelationship(ctx, viewer.accountId, target.id)));
      });
  }

  const page = async (
    c: HonoContext<AppEnv>,
    load: (p: ReturnType<typeof readPage>) => Promise<AccountPage>,
  ) => {
    const p = readPage(c, ACCOUNT_LIMITS);
    const result = await load(p);
    setLinkHeader(c, p, result.cursors);
    return c.json(result.accounts.map((a) => renderAccount(ctx.config, a)));
  };

  app.get("/api/v1/endorsements", (c) => {
    const viewer = requireUser(c, "read:accounts");
    return page(c, (p) => listEndorsements(ctx, viewer, viewer.accountId, p));
  });

  app.get("/api/v1/accounts/:id/endorsements", (c) => {
    const viewer = optionalViewer(c, "read:accounts");
    return page(c, (p) => listEndorsements(ctx, viewer, c.req.param("id"), p));
  });

  return app;
}
