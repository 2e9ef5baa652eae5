// Who a viewer does not want to hear from, as WHERE conditions for list queries: a block in
// either direction, or a mute that has not expired. Written as NOT EXISTS probes on the unique
// (account_id, target_account_id) indexes so they cost little per candidate row.
import { type RawBuilder, type SqlBool, sql } from "kysely";
import type { Context } from "../context.ts";

/** The account in `column` and `viewerId` are not separated by a block either way. */
export function notBlockedEitherWay(viewerId: string, column: string): RawBuilder<SqlBool> {
  const other = sql.ref(column);
  return sql<SqlBool>`(NOT EXISTS (SELECT 1 FROM blocks xb WHERE xb.account_id = ${viewerId} AND xb.target_account_id = ${other}) AND NOT EXISTS (SELECT 1 FROM blocks xb2 WHERE xb2.account_id = ${other} AND xb2.target_account_id = ${viewerId}))`;
}

/**
 * `viewerId` has no live mute on the account in `column`. With `notificationsOnly`, only mutes
 * that also hide notifications count (a mute with `notifications=false` keeps them).
 */
export function notMutedBy(
  viewerId: string,
  column: string,
  options: { notificationsOnly?: boolean } = {},
): RawBuilder<SqlBool> {
  const now = new Date().toISOString();
  const hides = options.notificationsOnly ? sql` AND xm.hide_notifications = 1` : sql``;
  return sql<SqlBool>`NOT EXISTS (SELECT 1 FROM mutes xm WHERE xm.account_id = ${viewerId} AND xm.target_account_id = ${sql.ref(column)}${hides} AND (xm.expires_at IS NULL OR xm.expires_at > ${now}))`;
}

/** Mastodon's `not_excluded_by_account`: neither blocked (either way) nor muted. */
export function notExcludedBy(viewerId: string, column: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${notBlockedEitherWay(viewerId, column)} AND ${notMutedBy(viewerId, column)})`;
}

/** Is there a block between the two accounts, in either direction? */
export async function blockedEitherWay(ctx: Context, a: string, b: string): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom("blocks")
    .select("id")
    .where((eb) =>
      eb.or([
        eb.and([eb("account_id", "=", a), eb("target_account_id", "=", b)]),
        eb.and([eb("account_id", "=", b), eb("target_account_id", "=", a)]),
      ]),
    )
    .executeTakeFirst();
  return row !== undefined;
}
