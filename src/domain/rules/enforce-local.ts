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
