// /api/v1/admin/server_rules (a Kith extension; Mastodon edits rules only in its web panel):
// the instance's rules for admins with Manage Rules. `priority` orders them, lowest first.
// (/api/v1/admin/rules/test is the instance policy's dry run, admin-rules.ts.)
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import { requirePermission } from "../../domain/moderation/permissions.ts";
import {
  addServerRule,
  getServerRule,
  listServerRules,
  removeServerRule,
  type ServerRule,
  updateServerRule,
} from "../../domain/server-rules.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderRule } from "../entities/instance-extras.ts";
import { bodyParams } from "../params.ts";
import { zInt } from "../schemas.ts";

const PATH = "/api/v1/admin/server_rules";
const PRIORITY = zInt.refine((n) => Math.abs(n) <= 1_000_000, "is out of range").optional();
const createSchema = z.object({
  text: z.string({ error: "is missing" }),
  hint: z.string().optional(),
  priority: PRIORITY,
});
const updateSchema = z.object({
  text: z.string().optional(),
  hint: z.string().optional(),
  priority: PRIORITY,
});

const render = (rule: ServerRule) => ({ ...renderRule(rule), priority: Number(rule.position) });

export function adminServerRuleRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get(PATH, async (c) => {
    requirePermission(requireUser(c, "admin:read"), "manage_rules");
    return c.json((await listServerRules(ctx)).map(render));
  });

  app.get(`${PATH}/:id`, async (c) => {
    requirePermission(requireUser(c, "admin:read"), "manage_rules");
    return c.json(render(await getServerRule(ctx, c.req.param("id"))));
  });

  app.post(PATH, async (c) => {
    const viewer = requirePermission(requireUser(c, "admin:write"), "manage_rules");
    const p = createSchema.parse(await bodyParams(c));
    const rule = await addServerRule(
      ctx,
      {
        text: p.text,
        ...(p.hint !== undefined ? { hint: p.hint } : {}),
        ...(p.priority !== undefined ? { position: p.priority } : {}),
      },
      viewer.accountId,
    );
    return c.json(render(rule));
  });

  app.put(`${PATH}/:id`, async (c) => {
    const viewer = requirePermission(requireUser(c, "admin:write"), "manage_rules");
    const p = updateSchema.parse(await bodyParams(c));
    const rule = await updateServerRule(
      ctx,
      c.req.param("id"),
      {
        ...(p.text !== undefined ? { text: p.text } : {}),
        ...(p.hint !== undefined ? { hint: p.hint } : {}),
        ...(p.priority !== undefined ? { position: p.priority } : {}),
      },
      viewer.accountId,
    );
    return c.json(render(rule));
  });

  app.delete(`${PATH}/:id`, async (c) => {
    const viewer = requirePermission(requireUser(c, "admin:write"), "manage_rules");
    await removeServerRule(ctx, c.req.param("id"), viewer.accountId);
    return c.json({});
  });
  return app;
}
