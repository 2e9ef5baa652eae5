// Blocking and muting accounts: POST /api/v1/accounts/:id/block|unblock|mute|unmute (each
// answers with the Relationship) and the viewer's lists GET /api/v1/blocks and /api/v1/mutes,
// paged by the block or mute row as Mastodon does.
import { Hono } from "hono";
import { z } from "zod";
import { getVisibleAccount } from "../../domain/accounts/queries.ts";
import type { Context } from "../../domain/context.ts";
import { block, listBlocks, unblock } from "../../domain/relationships/blocks.ts";
import { listMutes, mute, unmute } from "../../domain/relationships/mutes.ts";
import { loadRelationship } from "../../domain/relationships/relationships.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderAccount, renderMutedAccount } from "../entities/account.ts";
import { renderRelationship } from "../entities/relationship.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams } from "../params.ts";
import { zBool } from "../schemas.ts";
import { ACCOUNT_LIMITS } from "./accounts-relationships.ts";

// Mastodon has no upper bound (its own UI offers up to a week); 2^31-1 s, some 68 years, keeps
// the expiry a valid date.
const MAX_MUTE_SECONDS = 2 ** 31 - 1;

const muteSchema = z.object({
  notifications: zBool,
  duration: z.preprocess(
    (v) => (v === undefined || v === null || v === "" ? undefined : Number(v)),
    z
      .number({ error: "must be a number of seconds" })
      .int("must be a whole number of seconds")
      .min(0, "must not be negative")
      .max(MAX_MUTE_SECONDS, "is too long")
      .optional(),
  ),
});

export function blockMuteRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const action = (
    path: string,
    scope: string,
    run: (viewerId: string, targetId: string, body: () => Promise<unknown>) => Promise<void>,
  ) =>
    app.post(`/api/v1/accounts/:id/${path}`, async (c) => {
      const viewer = requireUser(c, scope);
      const target = await getVisibleAccount(ctx, c.req.param("id"));
      await run(viewer.accountId, target.id, () => bodyParams(c));
      return c.json(renderRelationship(await loadRelationship(ctx, viewer.accountId, target.id)));
    });

  action("block", "write:blocks", (me, id) => block(ctx, me, id));
  action("unblock", "write:blocks", (me, id) => unblock(ctx, me, id));
  action("mute", "write:mutes", async (me, id, body) => {
    const p = muteSchema.parse(await body());
    await mute(ctx, me, id, { notifications: p.notifications, durationSeconds: p.duration });
  });
  action("unmute", "write:mutes", (me, id) => unmute(ctx, me, id));

  app.get("/api/v1/blocks", async (c) => {
    const viewer = requireUser(c, "read:blocks");
    const page = readPage(c, ACCOUNT_LIMITS);
    const result = await listBlocks(ctx, viewer, page);
    setLinkHeader(c, page, result.cursors);
    return c.json(result.accounts.map((a) => renderAccount(ctx.config, a)));
  });

  app.get("/api/v1/mutes", async (c) => {
    const viewer = requireUser(c, "read:mutes");
    const page = readPage(c, ACCOUNT_LIMITS);
    const result = await listMutes(ctx, viewer, page);
    setLinkHeader(c, page, result.cursors);
    return c.json(result.mutes.map((m) => renderMutedAccount(ctx.config, m.account, m.expiresAt)));
  });

  return app;
}
