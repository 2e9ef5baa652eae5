// GET /api/v2/search (accounts, hashtags and statuses; see domain/search/) as Mastodon 4.5:
// anyone may search accounts and hashtags, statuses need a signed-in user, and `resolve` and
// `offset` are refused (401) without one.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import { DomainError } from "../../domain/errors.ts";
import { search } from "../../domain/search/search.ts";
import { tagViews } from "../../domain/tags/tags.ts";
import { type AppEnv, optionalViewer } from "../auth.ts";
import { renderAccount } from "../entities/account.ts";
import { renderStatuses } from "../entities/status.ts";
import { renderTag } from "../entities/tag.ts";
import { readPage } from "../pagination.ts";
import { queryParams } from "../params.ts";
import { zBool, zId } from "../schemas.ts";

export const SEARCH_LIMITS = { default: 20, max: 40 };

const searchSchema = z.object({
  q: z.string().optional(),
  type: z
    .enum(["accounts", "hashtags", "statuses"], { error: "must be accounts, hashtags or statuses" })
    .optional(),
  resolve: zBool,
  following: zBool,
  exclude_unreviewed: zBool,
  account_id: zId.optional(),
  offset: z.preprocess(
    (v) => (v === undefined || v === "" ? undefined : Number(v)),
    z.number({ error: "must be a number" }).int().min(0, "must not be negative").optional(),
  ),
});

export function searchRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/api/v2/search", async (c) => {
    const viewer = optionalViewer(c, "read:search");
    const p = searchSchema.parse(queryParams(c));
    if (p.q === undefined || p.q.trim() === "")
      throw new DomainError("bad_request", "param is missing or the value is empty: q");
    if (!viewer && p.offset !== undefined)
      throw new DomainError(
        "unauthorized",
        "Search queries pagination is not supported without authentication",
      );
    if (!viewer && p.resolve)
      throw new DomainError(
        "unauthorized",
        "Search queries that resolve remote resources are not supported without authentication",
      );
    const results = await search(ctx, viewer, {
      q: p.q,
      ...(p.type ? { type: p.type } : {}),
      resolve: p.resolve ?? false,
      following: p.following ?? false,
      ...(p.account_id ? { accountId: p.account_id } : {}),
      excludeUnreviewed: p.exclude_unreviewed ?? false,
      page: readPage(c, SEARCH_LIMITS),
      offset: p.offset ?? 0,
    });
    const tags = await tagViews(ctx, viewer, results.hashtags);
    return c.json({
      accounts: results.accounts.map((a) => renderAccount(ctx.config, a)),
      statuses: renderStatuses(ctx.config, results.statuses),
      hashtags: tags.map((t) => renderTag(ctx.config, t)),
    });
  });

  return app;
}
