// The instance rules applied to a profile change (profile.ts calls this once).
import type { Context } from "../context.ts";
import { validation } from "../errors.ts";
import type { Viewer } from "../viewer.ts";
import { recordRuleActions } from "./actions.ts";
import type { FieldTexts } from "./compile.ts";
import { rulesInForce } from "./in-force.ts";
import { checkLocal } from "./local-check.ts";

const PROFILE_FIELDS = ["display_name", "profile_fields"];

/**
 * The rules that name `display_name` or `profile_fields` (the bio, and the fields' names and
 * values), applied to a profile change: only refusing actions mean anything for a profile, so
 * only they apply. A refusal is recorded and becomes a 422 with the rule's message.
 */
export async function enforceProfileRules(
  ctx: Context,
  viewer: Viewer,
  texts: FieldTexts,
): Promise<void> {
  const policy = rulesInForce(ctx.config);
  const local = policy.local.filter(
    (r) =>
      r.content.length > 0 &&
      (r.action === "reject" || r.action === "require_content_warning") &&
      r.fields.some((f) => PROFILE_FIELDS.includes(f)),
  );
  if (local.length === 0) return;
  const verdict = checkLocal(
    { ...policy, local: local.map((r) => ({ ...r, action: "reject" as const })) },
    {
      texts,
      visibility: "public",
      sensitive: false,
      scope: {
        language: null,
        links: 0,
        mentions: 0,
        accountCreatedAt: null,
        role: viewer.role,
        hasMedia: false,
        now: Date.now(),
      },
    },
  );
  if (!verdict.refusal) return;
  const { rule, field } = verdict.refusal;
  await recordRuleActions(ctx, [
    { ruleId: rule.id, direction: "local", action: "reject", accountId: viewer.accountId, field },
  ]);
  throw validation(rule.message);
}
