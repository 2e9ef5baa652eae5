// The audit log for admins (a Kith extension; Mastodon shows it only in its web panel):
// GET /api/v1/admin/audit_log, newest first with Link paging, filtered by the acting
// account, an action (or an action prefix ending in "."), or a target.
import { Hono } from "hono";
import { z } from "zod";
import { acct, getAccounts } from "../../domain/accounts/queries.ts";
import type { Context } from "../../domain/context.ts";
import { listAudit } from "../../domain/moderation/audit.ts";
import { requirePermission } from "../../domain/moderation/permissions.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderAccount } from "../entities/account.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { queryParams } from "../params.ts";

const filterSchema = z.object({
  account_id: z.string().optional(),
  action: z.string().max(100).optional(),
  target_type: z.string().max(100).optional(),
  target_id: z.string().max(200).optional(),
});

export function adminAuditRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/api/v1/admin/audit_log", async (c) => {
    requirePermission(requireUser(c, "admin:read"), "view_audit_log");
    const p = filterSchema.parse(queryParams(c));
    const page = readPage(c, { default: 40, max: 200 });
    const entries = await listAudit(
      ctx,
      {
        ...(p.account_id ? { accountId: p.account_id } : {}),
        ...(p.action ? { action: p.action } : {}),
        ...(p.target_type ? { targetType: p.target_type } : {}),
        ...(p.target_id ? { targetId: p.target_id } : {}),
      },
      page,
    );
    setLinkHeader(
      c,
      page,
      entries.map((e) => e.id),
    );
    const actors = await getAccounts(
      ctx,
      entries.flatMap((e) => (e.accountId ? [e.accountId] : [])),
    );
    return c.json(
      entries.map((e) => {
        const actor = e.accountId ? actors.get(e.accountId) : undefined;
        return {
          id: e.id,
          action: e.action,
          target_type: e.targetType,
          target_id: e.targetId,
          target_label: e.targetLabel,
          detail: e.detail,
          created_at: e.createdAt,
          // null: the operator at the command line, or an account since deleted
          account: actor ? renderAccount(ctx.config, actor) : null,
          actor: actor ? acct(actor) : "operator (kith CLI)",
        };
      }),
    );
  });
  return app;
}
