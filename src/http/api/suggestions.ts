// Follow suggestions: GET /api/v2/suggestions (Suggestion entities with their sources), the
// deprecated GET /api/v1/suggestions (the same accounts, bare) and
// DELETE /api/v1/suggestions/:account_id (never suggest that account again). The ranking is
// documented in domain/relationships/suggestions.ts.
import { Hono, type Context as HonoContext } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import {
  dismissSuggestion,
  type SuggestionSource,
  suggestAccounts,
} from "../../domain/relationships/suggestions.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderAccount } from "../entities/account.ts";
import { queryParams } from "../params.ts";
import { ACCOUNT_LIMITS } from "./accounts-relationships.ts";

const listSchema = z.object({
  limit: z.preprocess(
    (v) => (v === undefined || v === "" ? undefined : Number(v)),
    z.number({ error: "must be a number" }).int("must be a whole number").min(0).optional(),
  ),
});

// The single `source` of Mastodon before 4.3, which its serializer still sends.
const LEGACY_SOURCE: Record<SuggestionSource, string> = {
  friends_of_friends: "past_interactions",
  most_followed: "global",
};

export function suggestionRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const load = async (c: HonoContext<AppEnv>) => {
    const viewer = requireUser(c, "read:accounts");
    const p = listSchema.parse(queryParams(c));
    const limit = Math.min(Math.max(p.limit ?? ACCOUNT_LIMITS.default, 1), ACCOUNT_LIMITS.max);
    return suggestAccounts(ctx, viewer, limit);
  };

  app.get("/api/v2/suggestions", async (c) => {
    const suggestions = await load(c);
    return c.json(
      suggestions.map((s) => ({
        source: LEGACY_SOURCE[s.sources[0]!],
        sources: s.sources,
        account: renderAccount(ctx.config, s.account),
      })),
    );
  });

  app.get("/api/v1/suggestions", async (c) => {
    const suggestions = await load(c);
    return c.json(suggestions.map((s) => renderAccount(ctx.config, s.account)));
  });

  app.delete("/api/v1/suggestions/:account_id", async (c) => {
    const viewer = requireUser(c, "write:accounts");
    await dismissSuggestion(ctx, viewer, c.req.param("account_id"));
    return c.json({});
  });

  return app;
}
