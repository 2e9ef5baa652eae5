// The profile directory (Mastodon's GET /api/v1/directory): accounts that chose to be
// discoverable, neither suspended, silenced nor moved, newest activity first (or newest
// account), optionally local only. A signed-in viewer does not see whom they block, who blocks
// them, whom they mute, or accounts on servers they blocked.
import { type SqlBool, sql } from "kysely";
import type { Context } from "../context.ts";
import { literalLimit } from "../pagination.ts";
import { notExcludedBy } from "../relationships/exclusions.ts";
import type { Viewer } from "../viewer.ts";
import { type AccountRow, listedAccount } from "./queries.ts";

export type DirectoryOrder = "active" | "new";

export interface DirectoryQuery {
  offset: number;
  limit: number;
  order: DirectoryOrder;
  localOnly: boolean;
}

/** Mastodon's Account.discoverable: opted in, and not suspended, silenced or moved. */
export function inDirectory(alias: string) {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<SqlBool>`(${col("discoverable")} = 1 AND ${col("suspended_at")} IS NULL AND ${col("silenced_at")} IS NULL AND ${col("moved_to_account_id")} IS NULL AND ${listedAccount(alias)})`;
}

export async function listDirectory(
  ctx: Context,
  viewer: Viewer | null,
  query: DirectoryQuery,
): Promise<AccountRow[]> {
  let q = ctx.db.kysely.selectFrom("accounts as a").selectAll("a").where(inDirectory("a"));
  if (query.localOnly) q = q.where("a.domain", "is", null);
  if (viewer) q = q.where(notExcludedBy(viewer.accountId, "a.id"));
  q =
    query.order === "new"
      ? q.orderBy("a.id", "desc")
      : // Accounts that never posted last; the same on both databases (no NULLS LAST).
        q
          .orderBy(sql`CASE WHEN a.last_status_at IS NULL THEN 1 ELSE 0 END`)
          .orderBy("a.last_status_at", "desc")
          .orderBy("a.id", "desc");
  return q.offset(query.offset).limit(literalLimit(query.limit)).execute();
}
