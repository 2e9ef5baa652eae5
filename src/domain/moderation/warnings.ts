// Strikes (Mastodon's AccountWarning): what a moderator did to an account and told its owner.
// Each one is written with its action and, for a local account, announced to the owner by a
// `moderation_warning` notification.
import type { Selectable } from "kysely";
import { newId } from "../../db/ids.ts";
import type { AccountWarningsTable } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { notify } from "../notifications/notify.ts";

export type AccountWarningRow = Selectable<AccountWarningsTable>;

export interface NewWarning {
  by: string | null;
  targetAccountId: string;
  action: string;
  text: string;
  reportId: string | null;
  statusIds?: readonly string[];
  /** Tell the owner (Mastodon's `send_email_notification`); remote owners are never told. */
  notifyOwner: boolean;
}

export async function createWarning(ctx: Context, w: NewWarning): Promise<AccountWarningRow> {
  const row: AccountWarningRow = {
    id: newId(),
    account_id: w.by,
    target_account_id: w.targetAccountId,
    action: w.action,
    text: w.text,
    report_id: w.reportId,
    status_ids: JSON.stringify(w.statusIds ?? []),
    created_at: new Date().toISOString(),
  };
  await ctx.db.kysely.insertInto("account_warnings").values(row).execute();
  if (w.notifyOwner) {
    await notify(ctx, {
      type: "moderation_warning",
      recipientId: w.targetAccountId,
      fromAccountId: w.targetAccountId,
      accountWarningId: row.id,
    });
  }
  return row;
}

export async function getWarnings(
  ctx: Context,
  ids: readonly string[],
): Promise<Map<string, AccountWarningRow>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.db.kysely
    .selectFrom("account_warnings")
    .selectAll()
    .where("id", "in", [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export function statusIdsOf(row: AccountWarningRow): string[] {
  try {
    const value = JSON.parse(row.status_ids) as unknown;
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}
