// GET/POST/DELETE /api/v1/domain_blocks: the servers a user hides from themselves. The list is
// plain domain strings, paged by the block row (100 by default, 200 at most, as Mastodon);
// POST and DELETE take `domain` and answer `{}` whether or not anything changed.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import {
  blockDomain,
  listDomainBlocks,
  unblockDomain,
} from "../../domain/relationships/domain-blocks.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams } from "../params.ts";

export const DOMAIN_BLOCK_LIMITS = { default: 100, max: 200 };

const domainSchema = z.object({
  domain: z.preprocess(
    (v) => (v === undefined || v === null ? "" : v),
    z.string({ error: "must be a domain name" }),
  ),
});

export function domainBlockRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/api/v1/domain_blocks", async (c) => {
    const viewer = requireUser(c, "read:blocks");
    const page = readPage(c, DOMAIN_BLOCK_LIMITS);
    const result = await listDomainBlocks(ctx, viewer, page);
    setLinkHeader(c, page, result.cursors);
    return c.json(result.domains);
  });

  app.post("/api/v1/domain_blocks", async (c) => {
    const viewer = requireUser(c, "write:blocks");
    const { domain } = domainSchema.parse(await bodyParams(c));
    await blockDomain(ctx, viewer.accountId, domain);
    return c.json({});
  });

  app.delete("/api/v1/domain_blocks", async (c) => {
    const viewer = requireUser(c, "write:blocks");
    const { domain } = domainSchema.parse(await bodyParams(c));
    await unblockDomain(ctx, viewer.accountId, domain);
    return c.json({});
  });

  return app;
}
