// A report's category and the rules it cites, as Mastodon checks them: citing rules makes a
// report a violation, and a violation must cite at least one rule, each of them existing.
import type { ReportCategory } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { validation } from "../errors.ts";

export const REPORT_CATEGORIES: readonly ReportCategory[] = ["spam", "legal", "violation", "other"];

export interface Classification {
  category: ReportCategory;
  ruleIds: string[];
}

/** The category and rules a report ends up with; rules only ever go with `violation`. */
export async function classify(
  ctx: Context,
  category: ReportCategory | undefined,
  ruleIds: readonly string[],
): Promise<Classification> {
  const wanted = [...new Set(ruleIds)];
  const resolved: ReportCategory = wanted.length > 0 ? "violation" : (category ?? "other");
  if (resolved !== "violation") return { category: resolved, ruleIds: [] };
  const found =
    wanted.length === 0
      ? []
      : await ctx.db.kysely
          .selectFrom("server_rules")
          .select("id")
          .where(
            "id",
            "in",
            wanted.filter((id) => /^\d{1,19}$/.test(id)),
          )
          .execute();
  if (wanted.length === 0 || found.length !== wanted.length)
    throw validation("Validation failed: Rule ids does not reference valid rules");
  return { category: "violation", ruleIds: wanted };
}
