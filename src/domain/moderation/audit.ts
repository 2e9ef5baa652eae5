// The audit log: one row per moderator or admin action. `recordAudit` writes through the
// context it is given, so called inside `inTransaction` the entry commits or rolls back with
// the action itself.
import { newId } from "../../db/ids.ts";
import type { Context } from "../context.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";

export interface AuditEntry {
  /** the acting moderator's account; null for the operator at the command line */
  accountId: string | null;
  /** dotted verb, e.g. `report.resolve`, `account.suspend`, `domain_block.create` */
  action: string;
  targetType: string;
  targetId: string;
  /** readable without the target: a handle, a domain, a rule's text */
  targetLabel: string;
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends Required<AuditEntry> {
  id: string;
  createdAt: string;
}

export async function recordAudit(ctx: Context, entry: AuditEntry): Promise<void> {
  await ctx.db.kysely
    .insertInto("audit_log")
    .values({
      id: newId(),
      account_id: entry.accountId,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      target_label: entry.targetLabel,
      detail: JSON.stringify(entry.detail ?? {}),
      created_at: new Date().toISOString(),
    })
    .execute();
}

export interface AuditFilter {
  accountId?: string;
  /** exact action, or a prefix ending in "." (`account.` for every account action) */
  action?: string;
  targetType?: string;
  targetId?: string;
}

/** Entries newest first, in Mastodon's cursor pages. */
export async function listAudit(
  ctx: Context,
  filter: AuditFilter,
  page: Page,
): Promise<AuditRecord[]> {
  let q = ctx.db.kysely.selectFrom("audit_log").selectAll();
  if (filter.accountId) q = q.where("account_id", "=", filter.accountId);
  if (filter.action) {
    const prefix = filter.action;
    // A prefix compared as text, not LIKE: actions contain "_", which LIKE reads as a wildcard.
    q = prefix.endsWith(".")
      ? q.where((eb) =>
          eb(eb.fn("substr", ["action", eb.val(1), eb.val(prefix.length)]), "=", prefix),
        )
      : q.where("action", "=", prefix);
  }
  if (filter.targetType) q = q.where("target_type", "=", filter.targetType);
  if (filter.targetId) q = q.where("target_id", "=", filter.targetId);
  const rows = finishPage(await applyPage(q, "id", page).execute(), page);
  return rows.map((r) => ({
    id: r.id,
    accountId: r.account_id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    targetLabel: r.target_label,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    createdAt: r.created_at,
  }));
}
