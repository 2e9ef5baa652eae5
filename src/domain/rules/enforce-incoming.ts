// The instance rules applied to a status from another server before it is stored (receive.ts
// calls this once): a refusal is recorded and thrown as RefusedByRule; what rules change
// (visibility, sensitivity, local mentions dropped) comes back with the records to write.
import type { Visibility } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { DomainError } from "../errors.ts";
import { htmlToPlainText } from "../statuses/sanitize.ts";
import { type RuleActionRecord, recordRuleActions } from "./actions.ts";
import { rulesInForce } from "./in-force.ts";
import { checkIncoming, countHtmlLinks, type IncomingFired } from "./incoming-check.ts";

export class RefusedByRule extends DomainError {
  override name = "RefusedByRule";
  readonly ruleId: string;
  constructor(ruleId: string, message: string) {
    super("forbidden", message);
    this.ruleId = ruleId;
  }
}

export interface IncomingStatus {
  uri: string;
  accountId: string;
  /** sanitised HTML */
  content: string;
  spoilerText: string;
  sensitive: boolean;
  visibility: Visibility;
  language: string | null;
  mentionedAccountIds: readonly string[];
  notifyAccountIds: readonly string[];
  /** Set for an edit of a stored status: its visibility cannot change. */
  statusId?: string;
}

export interface IncomingEffects {
  visibility: Visibility;
  sensitive: boolean;
  mentionedAccountIds: readonly string[];
  notifyAccountIds: readonly string[];
  /** To record once the status is stored (fill in its id). */
  records: RuleActionRecord[];
}

export async function enforceIncomingRules(
  ctx: Context,
  status: IncomingStatus,
): Promise<IncomingEffects> {
  const unchanged: IncomingEffects = { ...status, records: [] };
  const policy = rulesInForce(ctx.config);
  if (policy.incoming.length === 0) return unchanged;
  const { kysely } = ctx.db;
  const author = await kysely
    .selectFrom("accounts")
    .select(["domain", "created_at"])
    .where("id", "=", status.accountId)
    .executeTakeFirst();
  if (!author?.domain) return unchanged;
  const addressed = [...new Set([...status.mentionedAccountIds, ...status.notifyAccountIds])];
  const local = new Set(
    addressed.length === 0
      ? []
      : (
          await kysely
            .selectFrom("accounts")
            .select("id")
            .where("id", "in", addressed)
            .where("domain", "is", null)
            .execute()
        ).map((a) => a.id),
  );
  const verdict = checkIncoming(policy, {
    domain: author.domain.toLowerCase(),
    texts: { text: [htmlToPlainText(status.content)], spoiler_text: [status.spoilerText] },
    visibility: status.visibility,
    sensitive: status.sensitive,
    localMentions: local.size,
    scope: {
      language: status.language,
      links: countHtmlLinks(status.content),
      mentions: status.mentionedAccountIds.length,
      accountCreatedAt: author.created_at,
      role: null,
      hasMedia: false,
      now: Date.now(),
    },
  });
  const record = ({ rule, field }: IncomingFired): RuleActionRecord => ({
    ruleId: rule.id,
    direction: "incoming",
    action: rule.action,
    accountId: status.accountId,
    statusId: status.statusId ?? null,
    objectUri: status.uri,
    field,
  });
  // An edit cannot change visibility: a rule that would narrow it refuses the edit instead.
  const refusal =
    verdict.refusal ??
    (status.statusId && verdict.visibility !== status.visibility
      ? (verdict.changes.find((c) => c.rule.action === "unlisted") ?? null)
      : null);
  if (refusal) {
    await recordRuleActions(ctx, [{ ...record(refusal), action: "reject" }]);
    throw new RefusedByRule(refusal.rule.id, refusal.rule.message);
  }
  const keep = (ids: readonly string[]) =>
    verdict.dropLocalMentions ? ids.filter((id) => !local.has(id)) : ids;
  return {
    visibility: verdict.visibility,
    sensitive: verdict.sensitive,
    mentionedAccountIds: keep(status.mentionedAccountIds),
    notifyAccountIds: keep(status.notifyAccountIds),
    records: verdict.changes.map(record),
  };
}
