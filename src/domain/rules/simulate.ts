// `kith rules simulate`: a policy run over the statuses stored in the last N days, local posts
// against its local rules and received ones against its incoming rules. It reports what would
// have been refused or changed, and changes nothing (it only reads).
import type { Role } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { htmlToPlainText } from "../statuses/sanitize.ts";
import type { CompiledPolicy } from "./compile.ts";
import { tryText } from "./dry-run.ts";
import { checkIncoming, countHtmlLinks } from "./incoming-check.ts";

export interface Affected {
  statusId: string;
  createdAt: string;
  acct: string;
  direction: "local" | "incoming";
  ruleId: string;
  action: string;
  /** true when the rule would have refused the status */
  refused: boolean;
}

export interface Simulation {
  checked: { local: number; incoming: number };
  affected: Affected[];
}

const PAGE = 500;

export async function simulatePolicy(
  ctx: Context,
  policy: CompiledPolicy,
  days: number,
): Promise<Simulation> {
  const since = new Date(Date.now() - days * 86400_000).toISOString();
  const result: Simulation = { checked: { local: 0, incoming: 0 }, affected: [] };
  let after = "";
  // Keyset pages by id; each page is a bounded query, and there are finitely many statuses.
  for (;;) {
    const rows = await ctx.db.kysely
      .selectFrom("statuses")
      .innerJoin("accounts", "accounts.id", "statuses.account_id")
      .leftJoin("users", "users.account_id", "accounts.id")
      .select([
        "statuses.id",
        "statuses.local",
        "statuses.text",
        "statuses.content",
        "statuses.spoiler_text",
        "statuses.sensitive",
        "statuses.visibility",
        "statuses.language",
        "statuses.created_at",
        "accounts.username",
        "accounts.domain",
        "accounts.created_at as account_created_at",
        "users.role",
      ])
      .where("statuses.created_at", ">=", since)
      .where("statuses.reblog_of_id", "is", null)
      .where("statuses.id", ">", after)
      .orderBy("statuses.id")
      .limit(PAGE)
      .execute();
    const localMentions = await countLocalMentions(
      ctx,
      rows.filter((r) => r.local !== 1).map((r) => r.id),
    );
    for (const row of rows) {
      const acct = row.domain ? `@${row.username}@${row.domain}` : `@${row.username}`;
      const base = { statusId: row.id, createdAt: row.created_at, acct };
      if (row.local === 1) {
        result.checked.local++;
        const verdict = tryText(policy, {
          text: row.text,
          spoilerText: row.spoiler_text,
          language: row.language,
          visibility: row.visibility,
          sensitive: row.sensitive === 1,
          role: (row.role as Role | null) ?? null,
          accountCreatedAt: row.account_created_at,
          at: Date.parse(row.created_at),
        });
        result.affected.push(...affected(base, "local", verdict));
      } else if (row.domain) {
        result.checked.incoming++;
        const verdict = checkIncoming(policy, {
          domain: row.domain.toLowerCase(),
          texts: { text: [htmlToPlainText(row.content)], spoiler_text: [row.spoiler_text] },
          visibility: row.visibility,
          sensitive: row.sensitive === 1,
          localMentions: localMentions.get(row.id) ?? 0,
          scope: {
            language: row.language,
            links: countHtmlLinks(row.content),
            mentions: localMentions.get(row.id) ?? 0,
            accountCreatedAt: row.account_created_at,
            role: null,
            hasMedia: false,
            now: Date.parse(row.created_at),
          },
        });
        result.affected.push(...affected(base, "incoming", verdict));
      }
    }
    if (rows.length < PAGE) break;
    after = rows.at(-1)!.id;
  }
  return result;
}

/** How many local accounts each status mentions (remote mentions are not kept apart here). */
async function countLocalMentions(ctx: Context, statusIds: string[]): Promise<Map<string, number>> {
  if (statusIds.length === 0) return new Map();
  const rows = await ctx.db.kysely
    .selectFrom("status_mentions")
    .innerJoin("accounts", "accounts.id", "status_mentions.account_id")
    .select(["status_mentions.status_id", (eb) => eb.fn.countAll().as("n")])
    .where("status_mentions.status_id", "in", statusIds)
    .where("accounts.domain", "is", null)
    .groupBy("status_mentions.status_id")
    .execute();
  return new Map(rows.map((r) => [r.status_id, Number(r.n)]));
}

type Verdict = {
  refusal: { rule: { id: string; action: string } } | null;
  changes: { rule: { id: string; action: string } }[];
};

/** One line per rule that refused or changed the status. */
function affected(
  base: Pick<Affected, "statusId" | "createdAt" | "acct">,
  direction: Affected["direction"],
  verdict: Verdict,
): Affected[] {
  const line = ({ rule }: Verdict["changes"][number], refused: boolean): Affected => ({
    ...base,
    direction,
    ruleId: rule.id,
    action: rule.action,
    refused,
  });
  return [
    ...(verdict.refusal ? [line(verdict.refusal, true)] : []),
    ...verdict.changes.map((c) => line(c, false)),
  ];
}
