// The instance rules applied to a local post or edit (compose.ts calls this once for both):
// a refusal is recorded and becomes a 422 with the rule's own message; what rules change
// (sensitive, visibility) comes back to be stored, with the records to write alongside.
import type { Visibility } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { validation } from "../errors.ts";
import type { Viewer } from "../viewer.ts";
import { type RuleActionRecord, recordRuleActions } from "./actions.ts";
import type { FieldTexts } from "./compile.ts";
import { rulesInForce } from "./in-force.ts";
import { checkLocal, type Fired } from "./local-check.ts";

export interface LocalPost {
  texts: FieldTexts;
  language: string | null;
  links: number;
  mentions: number;
  hasMedia: boolean;
  visibility: Visibility;
  sensitive: boolean;
  /** The status being edited: its visibility cannot change (as in Mastodon). */
  editing?: { statusId: string };
}

export interface RuleEffects {
  sensitive: boolean;
  visibility: Visibility;
  /** To record once the status is stored (fill in its id). */
  records: RuleActionRecord[];
}

export async function enforceLocalRules(
  ctx: Context,
  viewer: Viewer,
  post: LocalPost,
): Promise<RuleEffects> {
  const policy = rulesInForce(ctx.config);
  if (policy.local.length === 0)
    return { sensitive: post.sensitive, visibility: post.visibility, records: [] };
  const account = await ctx.db.kysely
    .selectFrom("accounts")
    .select("created_at")
    .where("id", "=", viewer.accountId)
    .executeTakeFirst();
  const verdict = checkLocal(policy, {
    texts: post.texts,
    visibility: post.visibility,
    sensitive: post.sensitive,
    scope: {
      language: post.language,
      links: post.links,
      mentions: post.mentions,
      accountCreatedAt: account?.created_at ?? null,
      role: viewer.role,
      hasMedia: post.hasMedia,
      now: Date.now(),
    },
  });
  const record = (fired: Fired): RuleActionRecord => ({
    ruleId: fired.rule.id,
    direction: "local",
    action: fired.rule.action,
    accountId: viewer.accountId,
    statusId: post.editing?.statusId ?? null,
    field: fired.field,
  });
  // An edit cannot change visibility: a rule that would narrow it refuses the edit instead.
  const refusal =
    verdict.refusal ??
    (post.editing && verdict.visibility !== post.visibility
      ? (verdict.changes.find((c) => c.rule.action === "unlisted" || c.rule.action === "private") ??
        null)
      : null);
  if (refusal) {
    // A refusal is recorded as what the rule does (reject, require_content_warning), or as
    // reject for an edit refused because of its visibility.
    const action = verdict.refusal ? refusal.rule.action : "reject";
    await recordRuleActions(ctx, [{ ...record(refusal), action }]);
    throw validation(refusal.rule.message);
  }
  return {
    sensitive: verdict.sensitive,
    visibility: verdict.visibility,
    records: verdict.changes.map(record),
  };
}

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
