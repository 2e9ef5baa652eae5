// Who favourited or reblogged a status. Only for a status the viewer may see; accounts that are
// suspended, or that the viewer blocks, mutes or is blocked by, are left out (as Mastodon).
// The cursor is the favourite row's or the reblog's ID.
import { type Expression, type SqlBool, sql } from "kysely";
import type { AccountRow } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";
import type { Viewer } from "../viewer.ts";
import { visibleStatusFilter } from "../visibility.ts";
import { findVisibleStatus } from "./queries.ts";

export interface AccountPage {
  accounts: AccountRow[];
  cursors: string[];
}

export async function favouritedBy(
  ctx: Context,
  viewer: Viewer | null,
  id: string,
  page: Page,
): Promise<AccountPage> {
  const status = await findVisibleStatus(ctx, viewer, id);
  const query = ctx.db.kysely
    .selectFrom("favourites as f")
    .innerJoin("accounts as a", "a.id", "f.account_id")
    .selectAll("a")
    .select("f.id as cursor")
    .where("f.status_id", "=", status.reblog_of_id ?? status.id)
    .where("a.suspended_at", "is", null)
    .where(notExcluded(viewer, "a"));
  return toAccountPage(await applyPage(query, "f.id", page).execute(), page);
}

export async function rebloggedBy(
  ctx: Context,
  viewer: Viewer | null,
  id: string,
  page: Page,
): Promise<AccountPage> {
  const status = await findVisibleStatus(ctx, viewer, id);
  const query = ctx.db.kysely
    .selectFrom("statuses as r")
    .innerJoin("accounts as a", "a.id", "r.account_id")
    .selectAll("a")
    .select("r.id as cursor")
    .where("r.reblog_of_id", "=", status.reblog_of_id ?? status.id)
    .where(visibleStatusFilter(viewer, "r"))
    .where(notExcluded(viewer, "a"));
  return toAccountPage(await applyPage(query, "r.id", page).execute(), page);
}

function toAccountPage(rows: (AccountRow & { cursor: string })[], page: Page): AccountPage {
  const ordered = finishPage(rows, page);
  return {
    accounts: ordered.map(({ cursor: _, ...account }) => account),
    cursors: ordered.map((r) => r.cursor),
  };
}

function notExcluded(viewer: Viewer | null, alias: string): Expression<SqlBool> {
  if (!viewer) return sql<SqlBool>`1 = 1`;
  const me = viewer.accountId;
  const them = sql.ref(`${alias}.id`);
  const now = new Date().toISOString();
  return sql<SqlBool>`(NOT EXISTS (SELECT 1 FROM blocks xb WHERE xb.account_id = ${me} AND xb.target_account_id = ${them}) AND NOT EXISTS (SELECT 1 FROM blocks xb2 WHERE xb2.account_id = ${them} AND xb2.target_account_id = ${me}) AND NOT EXISTS (SELECT 1 FROM mutes xm WHERE xm.account_id = ${me} AND xm.target_account_id = ${them} AND (xm.expires_at IS NULL OR xm.expires_at > ${now})))`;
}
