// The /api/v1/accounts routes (except an account's statuses): looking accounts up, searching,
// the viewer's own profile (accounts-credentials.ts) and the social graph
// (accounts-relationships.ts). The fixed paths are mounted before `/api/v1/accounts/:id` so that
// `verify_credentials` or `relationships` is never read as an ID.
import { Hono } from "hono";
import { z } from "zod";
import {
  findByHandle,
  getVisibleAccount,
  getVisibleAccounts,
} from "../../domain/accounts/queries.ts";
import type { Context } from "../../domain/context.ts";
import { notFound, validation } from "../../domain/errors.ts";
import { familiarFollowers } from "../../domain/relationships/lists.ts";
import { accountResults } from "../../domain/search/search.ts";
import { type AppEnv, optionalViewer, requireUser } from "../auth.ts";
import { renderAccount } from "../entities/account.ts";
import { queryParams } from "../params.ts";
import { zBool, zStringList } from "../schemas.ts";
import { accountCredentialRoutes } from "./accounts-credentials.ts";
import { ACCOUNT_LIMITS, accountRelationshipRoutes } from "./accounts-relationships.ts";

const idsSchema = z.object({ id: zStringList });

const searchSchema = z.object({
  q: z.preprocess((v) => v ?? "", z.string()),
  limit: z.preprocess(
    (v) => (v === undefined || v === "" ? undefined : Number(v)),
    z.number({ error: "must be a number" }).int().min(0).optional(),
  ),
  offset: z.preprocess(
    (v) => (v === undefined || v === "" ? undefined : Number(v)),
    z.number({ error: "must be a number" }).int().min(0).optional(),
  ),
  following: zBool,
  resolve: zBool,
});

export function accountRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.route("/", accountCredentialRoutes(ctx));
  app.route("/", accountRelationshipRoutes(ctx));

  app.get("/api/v1/accounts/lookup", async (c) => {
    optionalViewer(c, "read:accounts");
    const handle = c.req.query("acct") ?? "";
    const found = handle.trim() ? await findByHandle(ctx, handle) : null;
    if (!found) throw notFound();
    // The same visibility as by ID: unapproved local sign-ups do not exist to others.
    return c.json(renderAccount(ctx.config, await getVisibleAccount(ctx, found.id)));
  });

  app.get("/api/v1/accounts/search", async (c) => {
    const viewer = requireUser(c, "read:accounts");
    const p = searchSchema.parse(queryParams(c));
    const limit = Math.min(Math.max(p.limit ?? ACCOUNT_LIMITS.default, 1), ACCOUNT_LIMITS.max);
    const accounts = await accountResults(
      ctx,
      viewer,
      p.q,
      { page: { limit }, offset: p.offset ?? 0, following: p.following ?? false },
      p.resolve ?? false,
    );
    return c.json(accounts.map((a) => renderAccount(ctx.config, a)));
  });

  app.get("/api/v1/accounts/familiar_followers", async (c) => {
    const viewer = requireUser(c, "read:follows");
    const p = idsSchema.parse(queryParams(c));
    const results = await familiarFollowers(ctx, viewer, p.id);
    return c.json(
      results.map((r) => ({
        id: r.id,
        accounts: r.accounts.map((a) => renderAccount(ctx.config, a)),
      })),
    );
  });

  app.get("/api/v1/accounts", async (c) => {
    optionalViewer(c, "read:accounts");
    const p = idsSchema.parse(queryParams(c));
    if (p.id.length > ACCOUNT_LIMITS.default)
      throw validation(`Validation failed: at most ${ACCOUNT_LIMITS.default} IDs may be given`);
    const accounts = await getVisibleAccounts(ctx, p.id);
    return c.json(accounts.map((a) => renderAccount(ctx.config, a)));
  });

  app.get("/api/v1/accounts/:id{[0-9]+}", async (c) => {
    optionalViewer(c, "read:accounts");
    return c.json(renderAccount(ctx.config, await getVisibleAccount(ctx, c.req.param("id"))));
  });

  return app;
}
