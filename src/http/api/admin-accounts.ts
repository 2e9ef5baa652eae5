// Accounts as moderators see and handle them (Mastodon's Api::V1::Admin::AccountsController and
// Api::V2::Admin::AccountsController): lists with filters and Link paging, one account, the
// moderation actions and their undoing, sign-up approval, and the purge of a suspended
// account. Admin scopes on the token and the permission on the role are both required.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { Role } from "../../db/schema.ts";
import { loadAdminAccounts } from "../../domain/accounts/admin-records.ts";
import {
  ACCOUNT_STATES,
  type AdminAccountFilter,
  listAdminAccountIds,
} from "../../domain/accounts/admin-search.ts";
import type { Context } from "../../domain/context.ts";
import { notFound } from "../../domain/errors.ts";
import {
  ACCOUNT_ACTION_TYPES,
  takeAccountAction,
  UNDO_ACTIONS,
  undoAccountAction,
} from "../../domain/moderation/account-actions.ts";
import { requirePermission } from "../../domain/moderation/permissions.ts";
import { purgeSuspendedAccount } from "../../domain/moderation/purge.ts";
import { approveAccount, rejectAccount } from "../../domain/moderation/sign-ups.ts";
import type { Viewer } from "../../domain/viewer.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderAdminAccount } from "../entities/admin-account.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams, queryParams } from "../params.ts";
import { zBool, zId, zStringList } from "../schemas.ts";

const LIMITS = { default: 100, max: 200 };
const READ = "admin:read:accounts";
const WRITE = "admin:write:accounts";

const text = z.string().max(5000).optional();

const commonFilters = {
  username: text,
  display_name: text,
  by_domain: text,
  email: text,
  ip: text,
};

const v1Schema = z.object({
  local: zBool,
  remote: zBool,
  active: zBool,
  pending: zBool,
  disabled: zBool,
  sensitized: zBool,
  silenced: zBool,
  suspended: zBool,
  staff: zBool,
  ...commonFilters,
});

const v2Schema = z.object({
  origin: z.enum(["local", "remote"]).optional(),
  status: z.enum(ACCOUNT_STATES).optional(),
  permissions: z.enum(["staff"]).optional(),
  role_ids: zStringList.optional(),
  invited_by: zId.optional(),
  ...commonFilters,
});

const actionSchema = z.object({
  type: z.enum(ACCOUNT_ACTION_TYPES),
  text: z.string().max(5000).optional(),
  report_id: z.preprocess((v) => (v === "" || v === null ? undefined : v), zId.optional()),
  // Warning presets are not kept by Kith; the id is accepted and ignored.
  warning_preset_id: z.unknown().optional(),
  send_email_notification: zBool,
});

/** Mastodon's Role ids for Kith's roles (accounts/roles.ts). */
const ROLE_IDS: Record<string, Role> = { "-99": "user", "1": "moderator", "2": "admin" };

function common(p: z.infer<typeof v1Schema> | z.infer<typeof v2Schema>): AdminAccountFilter {
  return {
    ...(p.username ? { username: p.username } : {}),
    ...(p.display_name ? { displayName: p.display_name } : {}),
    ...(p.by_domain ? { byDomain: p.by_domain } : {}),
    ...(p.email ? { email: p.email } : {}),
    ...(p.ip ? { ip: p.ip } : {}),
  };
}

function v1Filter(p: z.infer<typeof v1Schema>): AdminAccountFilter {
  const status = (["active", "pending", "disabled", "sensitized", "silenced", "suspended"] as const)
    .filter((s) => p[s])
    .at(-1);
  return {
    ...common(p),
    ...(p.local ? { origin: "local" as const } : p.remote ? { origin: "remote" as const } : {}),
    ...(status ? { status } : {}),
    ...(p.staff ? { staff: true } : {}),
  };
}

export function adminAccountRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const moderator = (c: HonoContext<AppEnv>, scope: string): Viewer =>
    requirePermission(requireUser(c, scope), "manage_users");

  const renderOne = async (id: string) => {
    const record = (await loadAdminAccounts(ctx, [id])).get(id);
    if (!record) throw notFound();
    return renderAdminAccount(ctx.config, record);
  };

  const list = async (c: HonoContext<AppEnv>, filter: AdminAccountFilter | null) => {
    const page = readPage(c, LIMITS);
    const ids = filter ? await listAdminAccountIds(ctx, filter, page) : [];
    setLinkHeader(c, page, ids);
    const records = await loadAdminAccounts(ctx, ids);
    return c.json(
      ids.flatMap((id) => {
        const record = records.get(id);
        return record ? [renderAdminAccount(ctx.config, record)] : [];
      }),
    );
  };

  app.get("/api/v1/admin/accounts", async (c) => {
    moderator(c, READ);
    return list(c, v1Filter(v1Schema.parse(queryParams(c))));
  });

  app.get("/api/v2/admin/accounts", async (c) => {
    moderator(c, READ);
    const p = v2Schema.parse(queryParams(c));
    const roles = (p.role_ids ?? []).flatMap((id) => (ROLE_IDS[id] ? [ROLE_IDS[id]] : []));
    // Only unknown roles asked for: nobody has them.
    const impossible = (p.role_ids ?? []).length > 0 && roles.length === 0;
    return list(
      c,
      impossible
        ? null
        : {
            ...common(p),
            ...(p.origin ? { origin: p.origin } : {}),
            ...(p.status ? { status: p.status } : {}),
            ...(p.permissions === "staff" ? { staff: true } : {}),
            ...(roles.length > 0 ? { roles } : {}),
            ...(p.invited_by ? { invitedBy: p.invited_by } : {}),
          },
    );
  });

  app.get("/api/v1/admin/accounts/:id", async (c) => {
    moderator(c, READ);
    return c.json(await renderOne(c.req.param("id")));
  });

  app.post("/api/v1/admin/accounts/:id/action", async (c) => {
    const viewer = requireUser(c, WRITE);
    const p = actionSchema.parse(await bodyParams(c));
    await takeAccountAction(ctx, viewer, c.req.param("id"), {
      type: p.type,
      ...(p.text !== undefined ? { text: p.text } : {}),
      ...(p.report_id ? { reportId: p.report_id } : {}),
      notifyOwner: p.send_email_notification !== false,
    });
    return c.json({});
  });

  for (const action of UNDO_ACTIONS) {
    app.post(`/api/v1/admin/accounts/:id/${action}`, async (c) => {
      const viewer = requireUser(c, WRITE);
      await undoAccountAction(ctx, viewer, c.req.param("id"), action);
      return c.json(await renderOne(c.req.param("id")));
    });
  }

  app.post("/api/v1/admin/accounts/:id/approve", async (c) => {
    const viewer = requireUser(c, WRITE);
    await approveAccount(ctx, viewer, c.req.param("id"));
    return c.json(await renderOne(c.req.param("id")));
  });

  // The account as it was: rejecting deletes it.
  app.post("/api/v1/admin/accounts/:id/reject", async (c) => {
    const viewer = requireUser(c, WRITE);
    requirePermission(viewer, "manage_users");
    const before = await renderOne(c.req.param("id"));
    await rejectAccount(ctx, viewer, c.req.param("id"));
    return c.json(before);
  });

  // As Mastodon: the account as it was before its data went.
  app.delete("/api/v1/admin/accounts/:id", async (c) => {
    const viewer = requireUser(c, WRITE);
    requirePermission(viewer, "delete_user_data");
    const before = await renderOne(c.req.param("id"));
    await purgeSuspendedAccount(ctx, viewer, c.req.param("id"));
    return c.json(before);
  });

  return app;
}
