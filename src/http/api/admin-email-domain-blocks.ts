// /api/v1/admin/email_domain_blocks (Mastodon's Admin::EmailDomainBlocksController): list,
// show, block and unblock e-mail domains for sign-ups. Needs Manage Blocks.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import {
  createEmailDomainBlock,
  getEmailDomainBlock,
  listEmailDomainBlocks,
  removeEmailDomainBlock,
} from "../../domain/moderation/email-domain-blocks.ts";
import { requirePermission } from "../../domain/moderation/permissions.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderEmailDomainBlock } from "../entities/admin-blocks.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams } from "../params.ts";

const PATH = "/api/v1/admin/email_domain_blocks";
const createSchema = z.object({ domain: z.string({ error: "is missing" }) });

export function adminEmailDomainBlockRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const reader = (c: Parameters<typeof requireUser>[0]) =>
    requirePermission(requireUser(c, "admin:read:email_domain_blocks"), "manage_blocks");
  const writer = (c: Parameters<typeof requireUser>[0]) =>
    requirePermission(requireUser(c, "admin:write:email_domain_blocks"), "manage_blocks");

  app.get(PATH, async (c) => {
    reader(c);
    const page = readPage(c, { default: 100, max: 200 });
    const blocks = await listEmailDomainBlocks(ctx, page);
    setLinkHeader(
      c,
      page,
      blocks.map((b) => b.id),
    );
    return c.json(blocks.map(renderEmailDomainBlock));
  });

  app.get(`${PATH}/:id`, async (c) => {
    reader(c);
    return c.json(renderEmailDomainBlock(await getEmailDomainBlock(ctx, c.req.param("id"))));
  });

  app.post(PATH, async (c) => {
    const viewer = writer(c);
    const { domain } = createSchema.parse(await bodyParams(c));
    return c.json(
      renderEmailDomainBlock(await createEmailDomainBlock(ctx, viewer.accountId, domain)),
    );
  });

  app.delete(`${PATH}/:id`, async (c) => {
    const viewer = writer(c);
    await removeEmailDomainBlock(ctx, viewer.accountId, c.req.param("id"));
    return c.json({});
  });
  return app;
}
