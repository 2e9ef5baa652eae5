// The federation policy for admins (Mastodon's /api/v1/admin/domain_blocks and
// /api/v1/admin/domain_allows): list with Link paging, read, create, change (blocks) and
// remove. The token needs the admin:…:domain_blocks (…domain_allows) scope and the user's role
// the manage_federation permission. The public list is GET /api/v1/instance/domain_blocks.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import { DomainError } from "../../domain/errors.ts";
import {
  createDomainAllow,
  deleteDomainAllow,
  getDomainAllow,
  listDomainAllows,
} from "../../domain/moderation/domain-allows.ts";
import {
  createDomainBlock,
  type DomainBlockRow,
  deleteDomainBlock,
  getDomainBlock,
  listDomainBlocks,
  SEVERITIES,
  updateDomainBlock,
} from "../../domain/moderation/domain-blocks.ts";
import { requirePermission } from "../../domain/moderation/permissions.ts";
import { publicDomainBlocks } from "../../domain/moderation/public-domain-blocks.ts";
import { type AppEnv, optionalViewer, requireUser } from "../auth.ts";
import { renderAdminDomainAllow, renderAdminDomainBlock } from "../entities/domain-policy.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams } from "../params.ts";
import { zBool } from "../schemas.ts";

const LIMITS = { default: 100, max: 200 };

const comment = z.preprocess(
  (v) => (v === null ? "" : v),
  z.string({ error: "must be text" }).max(5000).optional(),
);

const blockSchema = z.object({
  severity: z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.enum(SEVERITIES, { error: "must be noop, silence or suspend" }).optional(),
  ),
  reject_media: zBool,
  reject_reports: zBool,
  private_comment: comment,
  public_comment: comment,
  obfuscate: zBool,
});

const createSchema = blockSchema.extend({
  domain: z.preprocess((v) => (v == null ? "" : v), z.string({ error: "must be a domain name" })),
});

const blockInput = (p: z.infer<typeof blockSchema>) => ({
  severity: p.severity,
  rejectMedia: p.reject_media,
  rejectReports: p.reject_reports,
  privateComment: p.private_comment,
  publicComment: p.public_comment,
  obfuscate: p.obfuscate,
});

export function adminDomainPolicyRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const admin = (c: Parameters<typeof requireUser>[0], scope: string) =>
    requirePermission(requireUser(c, scope), "manage_federation");
  const by = (viewer: { accountId: string }) => ({ accountId: viewer.accountId });

  app.get("/api/v1/admin/domain_blocks", async (c) => {
    admin(c, "admin:read:domain_blocks");
    const page = readPage(c, LIMITS);
    const rows = await listDomainBlocks(ctx, page);
    setLinkHeader(
      c,
      page,
      rows.map((r) => r.id),
    );
    return c.json(rows.map(renderAdminDomainBlock));
  });

  app.get("/api/v1/admin/domain_blocks/:id", async (c) => {
    admin(c, "admin:read:domain_blocks");
    return c.json(renderAdminDomainBlock(await getDomainBlock(ctx, c.req.param("id"))));
  });

  app.post("/api/v1/admin/domain_blocks", async (c) => {
    const viewer = admin(c, "admin:write:domain_blocks");
    const p = createSchema.parse(await bodyParams(c));
    try {
      return c.json(
        renderAdminDomainBlock(await createDomainBlock(ctx, by(viewer), p.domain, blockInput(p))),
      );
    } catch (error) {
      // Mastodon answers a covered domain with the block that covers it.
      const existing =
        error instanceof DomainError ? error.details?.existing_domain_block : undefined;
      if (!existing) throw error;
      return c.json(
        { error: (error as Error).message, ...renderAdminDomainBlock(existing as DomainBlockRow) },
        422,
      );
    }
  });

  app.put("/api/v1/admin/domain_blocks/:id", async (c) => {
    const viewer = admin(c, "admin:write:domain_blocks");
    const p = blockSchema.parse(await bodyParams(c));
    const row = await updateDomainBlock(ctx, by(viewer), c.req.param("id"), blockInput(p));
    return c.json(renderAdminDomainBlock(row));
  });

  app.delete("/api/v1/admin/domain_blocks/:id", async (c) => {
    const viewer = admin(c, "admin:write:domain_blocks");
    await deleteDomainBlock(ctx, by(viewer), c.req.param("id"));
    return c.json({});
  });

  app.get("/api/v1/admin/domain_allows", async (c) => {
    admin(c, "admin:read:domain_allows");
    const page = readPage(c, LIMITS);
    const rows = await listDomainAllows(ctx, page);
    setLinkHeader(
      c,
      page,
      rows.map((r) => r.id),
    );
    return c.json(rows.map(renderAdminDomainAllow));
  });

  app.get("/api/v1/admin/domain_allows/:id", async (c) => {
    admin(c, "admin:read:domain_allows");
    return c.json(renderAdminDomainAllow(await getDomainAllow(ctx, c.req.param("id"))));
  });

  app.post("/api/v1/admin/domain_allows", async (c) => {
    const viewer = admin(c, "admin:write:domain_allows");
    const { domain } = createSchema.pick({ domain: true }).parse(await bodyParams(c));
    return c.json(renderAdminDomainAllow(await createDomainAllow(ctx, by(viewer), domain)));
  });

  app.delete("/api/v1/admin/domain_allows/:id", async (c) => {
    const viewer = admin(c, "admin:write:domain_allows");
    await deleteDomainAllow(ctx, by(viewer), c.req.param("id"));
    return c.json({});
  });

  // The public list of moderated servers (Mastodon's DomainBlock entity), when shown.
  app.get("/api/v1/instance/domain_blocks", async (c) => {
    const list = await publicDomainBlocks(ctx, optionalViewer(c, "read"));
    return c.json(list);
  });

  return app;
}
