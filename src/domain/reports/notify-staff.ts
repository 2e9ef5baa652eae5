// Telling moderators about a new report, as Mastodon's ReportService does: an `admin.report`
// notification to every admin and moderator, unless the same account already has an
// unresolved report waiting (they will see the new one when they look at that).
import { logger } from "../../logging.ts";
import { staffAccountIds } from "../accounts/staff.ts";
import type { Context } from "../context.ts";
import { notify } from "../notifications/notify.ts";
import type { ReportRow } from "./queries.ts";

const log = logger("reports");

export async function notifyStaffOfReport(ctx: Context, report: ReportRow): Promise<void> {
  try {
    const sibling = await ctx.db.kysely
      .selectFrom("reports")
      .select("id")
      .where("target_account_id", "=", report.target_account_id)
      .where("action_taken_at", "is", null)
      .where("id", "!=", report.id)
      .executeTakeFirst();
    if (sibling) return;
    for (const recipientId of await staffAccountIds(ctx)) {
      await notify(ctx, {
        type: "admin.report",
        recipientId,
        fromAccountId: report.account_id,
        reportId: report.id,
      });
    }
  } catch (error) {
    log.error("Could not notify staff about report {id}: {error}", {
      id: report.id,
      error: String(error),
    });
  }
}
