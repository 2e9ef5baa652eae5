// /api/v1/admin/canonical_email_blocks (Mastodon's Admin::CanonicalEmailBlocksController):
// list, show, block (by `email` or `canonical_email_hash`), unblock, and `POST …/test` to see
// which blocks an address falls under. Needs Manage Blocks.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import {
  type CanonicalEmailBlock,
  createCanonicalEmailBlock,
  getCanonicalEmailBlock,
  listCanonicalEmailBlocks,
  matchingCanonicalEmailBlocks,
  removeCanonicalEmailBlock,
} from "../../domain/moderation/canonical-email-blocks.ts";
import { requirePermission } from "../../domain/moderation/permissions.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams } from "../params.ts";

const PATH = "/api/v1/admin/canonical_email_blocks";
const createSchema = z.object({
  email: z.string().optional(),
  canonical_email_hash: z.string().optional(),
});
const testSchema = z.object({ email: z.string({ error: "is missing" }) });

const render = (b: CanonicalEmailBlock) => ({
  id: b.id,
  canonical_email_hash: b.canonicalEmailHash,
});

export function adminCanonicalEmailBlockRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const reader = (c: Parameters<typeof requireUser>[0]) =>
    requirePermission(requireUser(c, "admin:read:canonical_email_blocks"), "manage_blocks");
  const writer = (c: Parameters<typeof requireUser>[0]) =>
    requirePermission(requireUser(c, "admin:write:canonical_email_blocks"), "manage_blocks");

  app.get(PATH, async (c) => {
    reader(c);
    const page = readPage(c, { default: 100, max: 200 });
    const blocks = await listCanonicalEmailBlocks(ctx, page);
    setLinkHeader(
      c,
      page,
      blocks.map((b) => b.id),
    );
    return c.json(blocks.map(render));
  });

  app.post(`${PATH}/test`, async (c) => {
    reader(c);
    const { email } = testSchema.parse(await bodyParams(c));
    return c.json((await matchingCanonicalEmailBlocks(ctx, email)).map(render));
  });

  app.get(`${PATH}/:id`, async (c) => {
    reader(c);
    return c.json(render(await getCanonicalEmailBlock(ctx, c.req.param("id"))));
  });

  app.post(PATH, async (c) => {
    const viewer = writer(c);
    const p = createSchema.parse(await bodyParams(c));
    const block = await createCanonicalEmailBlock(ctx, viewer.accountId, {
      email: p.email,
      hash: p.canonical_email_hash,
    });
    return c.json(render(block));
  });

  app.delete(`${PATH}/:id`, async (c) => {
    const viewer = writer(c);
    await removeCanonicalEmailBlock(ctx, viewer.accountId, c.req.param("id"));
    return c.json({});
  });
  return app;
}
