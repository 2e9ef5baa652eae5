// /api/v1/admin/ip_blocks (Mastodon's Admin::IpBlocksController): list, show, create, change
// and remove IP blocks. Needs Manage Blocks.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import {
  createIpBlock,
  getIpBlock,
  type IpBlockInput,
  listIpBlocks,
  removeIpBlock,
  updateIpBlock,
} from "../../domain/moderation/ip-blocks.ts";
import { requirePermission } from "../../domain/moderation/permissions.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderIpBlock } from "../entities/admin-blocks.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams } from "../params.ts";
import { zInt } from "../schemas.ts";

const PATH = "/api/v1/admin/ip_blocks";

const inputSchema = z.object({
  ip: z.string().optional(),
  severity: z.string().optional(),
  comment: z.string().optional(),
  // seconds; empty or null: never expires
  expires_in: z.preprocess((v) => (v === "" ? null : v), zInt.nullable().optional()),
});

function toInput(p: z.infer<typeof inputSchema>): IpBlockInput {
  return {
    ip: p.ip,
    severity: p.severity,
    comment: p.comment,
    expiresIn: p.expires_in,
  };
}

export function adminIpBlockRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const reader = (c: Parameters<typeof requireUser>[0]) =>
    requirePermission(requireUser(c, "admin:read:ip_blocks"), "manage_blocks");
  const writer = (c: Parameters<typeof requireUser>[0]) =>
    requirePermission(requireUser(c, "admin:write:ip_blocks"), "manage_blocks");

  app.get(PATH, async (c) => {
    reader(c);
    const page = readPage(c, { default: 100, max: 200 });
    const blocks = await listIpBlocks(ctx, page);
    setLinkHeader(
      c,
      page,
      blocks.map((b) => b.id),
    );
    return c.json(blocks.map(renderIpBlock));
  });

  app.get(`${PATH}/:id`, async (c) => {
    reader(c);
    return c.json(renderIpBlock(await getIpBlock(ctx, c.req.param("id"))));
  });

  app.post(PATH, async (c) => {
    const viewer = writer(c);
    const input = toInput(inputSchema.parse(await bodyParams(c)));
    return c.json(renderIpBlock(await createIpBlock(ctx, viewer.accountId, input)));
  });

  app.put(`${PATH}/:id`, async (c) => {
    const viewer = writer(c);
    const input = toInput(inputSchema.parse(await bodyParams(c)));
    return c.json(
      renderIpBlock(await updateIpBlock(ctx, viewer.accountId, c.req.param("id"), input)),
    );
  });

  app.delete(`${PATH}/:id`, async (c) => {
    const viewer = writer(c);
    await removeIpBlock(ctx, viewer.accountId, c.req.param("id"));
    return c.json({});
  });
  return app;
}
