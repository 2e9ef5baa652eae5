// Recording what rules did (the rule_actions table): nothing a rule causes is silent.
import { newId } from "../../db/ids.ts";
import type { Context } from "../context.ts";

export interface RuleActionRecord {
  ruleId: string;
  direction: "local" | "incoming";
  action: string;
  accountId: string | null;
  statusId?: string | null;
  objectUri?: string | null;
  field?: string | null;
}

export async function recordRuleActions(
  ctx: Context,
  records: readonly RuleActionRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const now = new Date().toISOString();
  await ctx.db.kysely
    .insertInto("rule_actions")
    .values(
      records.map((r) => ({
        id: newId(),
        rule_id: r.ruleId,
        direction: r.direction,
        action: r.action,
        account_id: r.accountId,
        status_id: r.statusId ?? null,
        object_uri: r.objectUri ?? null,
        field: r.field ?? null,
        created_at: now,
      })),
    )
    .execute();
}
