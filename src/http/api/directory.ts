// GET /api/v1/directory: the profile directory (offset, limit, order=active|new, local).
import { Hono } from "hono";
import { z } from "zod";
import { listDirectory } from "../../domain/accounts/directory.ts";
import type { Context } from "../../domain/context.ts";
import { type AppEnv, optionalViewer } from "../auth.ts";
import { renderAccount } from "../entities/account.ts";
import { queryParams } from "../params.ts";
import { zBool } from "../schemas.ts";
import { ACCOUNT_LIMITS } from "./accounts-relationships.ts";

const count = z.preprocess(
  (v) => (v === undefined || v === "" ? undefined : Number(v)),
  z.number({ error: "must be a number" }).int("must be a whole number").min(0).optional(),
);

const directorySchema = z.object({
  offset: count,
  limit: count,
  order: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.enum(["active", "new"], { error: "must be active or new" }).optional(),
  ),
  local: zBool,
});

export function directoryRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/api/v1/directory", async (c) => {
    const viewer = optionalViewer(c, "read:accounts");
    const p = directorySchema.parse(queryParams(c));
    const accounts = await listDirectory(ctx, viewer, {
      offset: p.offset ?? 0,
      limit: Math.min(Math.max(p.limit ?? ACCOUNT_LIMITS.default, 1), ACCOUNT_LIMITS.max),
      order: p.order ?? "active",
      localOnly: p.local ?? false,
    });
    return c.json(accounts.map((a) => renderAccount(ctx.config, a)));
  });
  return app;
}
