// POST /api/v1/admin/rules/test (admins only): what `kith rules test` does, over the API: the
// rules in force applied to a text that is not posted. Kith's own endpoint; Mastodon has none.
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import { forbidden } from "../../domain/errors.ts";
import { tryText } from "../../domain/rules/dry-run.ts";
import { rulesInForce } from "../../domain/rules/in-force.ts";
import type { LocalVerdict } from "../../domain/rules/local-check.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { bodyParams } from "../params.ts";

const trialSchema = z.object({
  text: z.string({ error: "text is required" }).min(1, "text is required"),
  spoiler_text: z.string().optional(),
  language: z.string().optional(),
  visibility: z.enum(["public", "unlisted", "private", "direct"]).optional(),
});

const firedEntity = ({
  rule,
  field,
}: {
  rule: { id: string; action: string; message: string };
  field: string | null;
}) => ({
  rule: rule.id,
  action: rule.action,
  message: rule.message,
  field,
});

function renderVerdict(verdict: LocalVerdict) {
  return {
    allowed: verdict.refusal === null,
    refused_by: verdict.refusal ? firedEntity(verdict.refusal) : null,
    changes: verdict.changes.map(firedEntity),
    sensitive: verdict.sensitive,
    visibility: verdict.visibility,
  };
}

export function adminRulesRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/api/v1/admin/rules/test", async (c) => {
    const viewer = requireUser(c, "admin:read");
    if (viewer.role !== "admin") throw forbidden();
    const p = trialSchema.parse(await bodyParams(c));
    const verdict = tryText(rulesInForce(ctx.config), {
      text: p.text,
      spoilerText: p.spoiler_text ?? "",
      language: p.language ?? null,
      visibility: p.visibility ?? "public",
      role: viewer.role,
    });
    return c.json(renderVerdict(verdict));
  });
  return app;
}
