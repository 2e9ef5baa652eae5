// Who a viewer does not want to hear from, as WHERE conditions for list queries: a block in
// either direction, the viewer's block of the other account's server, or a mute that has not
// expired. Written as NOT EXISTS probes on the unique (account_id, target_account_id) and
// (account_id, domain) indexes so they cost little per candidate row. The visibility rule
// (visibility.ts) uses `notShutOut` too, so a status, a notification and an account list all
// hide the same people.
import { type Expression, type RawBuilder, type SqlBool, sql } from "kysely";
import type { Context } from "../context.ts";

/** An account ID, or a column holding one (e.g. `f.account_id` when fanning out). */
export type AccountRef = string | Expression<unknown>;

/** The account in `column` and `viewer` are not separated by a block either way. */
export function notBlockedEitherWay(viewer: AccountRef, column: string): RawBuilder<SqlBool> {
  const other = sql.ref(column);
  return sql<SqlBool>`(NOT EXISTS (SELECT 1 FROM blocks xb WHERE xb.account_id = ${viewer} AND xb.target_account_id = ${other}) AND NOT EXISTS (SELECT 1 FROM blocks xb2 WHERE xb2.account_id = ${other} AND xb2.target_account_id = ${viewer}))`;
}

/**
 * `viewer` has not blocked the server of the account in `column`. As Mastodon, an account
 * the viewer still follows (a follow from before the domain block) stays visible.
 */
export function notDomainBlockedBy(viewer: AccountRef, column: string): RawBuilder<SqlBool> {
  const other = sql.ref(column);
  return sql<SqlBool>`NOT EXISTS (SELECT 1 FROM account_domain_blocks xd INNER JOIN accounts xda ON xda.domain = xd.domain WHERE xd.account_id = ${viewer} AND xda.id = ${other} AND NOT EXISTS (SELECT 1 FROM follows xdf WHERE xdf.account_id = ${viewer} AND xdf.target_account_id = ${other}))`;
}

/** Neither a block either way nor the viewer's domain block stands between the two. */
export function notShutOut(viewer: AccountRef, column: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${notBlockedEitherWay(viewer, column)} AND ${notDomainBlockedBy(viewer, column)})`;
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

/** Mastodon's `not_excluded_by_account`: not shut out (blocks, domain blocks), not muted. */
export function notExcludedBy(viewerId: string, column: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${notShutOut(viewerId, column)} AND ${notMutedBy(viewerId, column)})`;
}

/** Is `otherId` shut out from `viewerId` (see `notShutOut`)? The same SQL, for one pair. */
export async function shutOut(ctx: Context, viewerId: string, otherId: string): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom("accounts as so")
    .select("so.id")
    .where("so.id", "=", otherId)
    .where(notShutOut(viewerId, "so.id"))
    .executeTakeFirst();
  return row === undefined;
}

/**
 * May `sourceId` not follow `targetId`? A block either way, or either side's block of the
 * other's server (Mastodon refuses both; existing follows are not what this is about).
 */
export async function followBarred(ctx: Context, sourceId: string, targetId: string) {
  const blockedOrDomainBlocked = (viewer: string, other: string) =>
    ctx.db.kysely
      .selectFrom("accounts as fb")
      .select("fb.id")
      .where("fb.id", "=", other)
      .where((eb) =>
        eb.or([
          eb.not(notBlockedEitherWay(viewer, "fb.id")),
          eb.exists(
            eb
              .selectFrom("account_domain_blocks as fbd")
              .select("fbd.id")
              .where("fbd.account_id", "=", viewer)
              .whereRef("fbd.domain", "=", "fb.domain"),
          ),
        ]),
      )
      .executeTakeFirst();
  const [forward, backward] = await Promise.all([
    blockedOrDomainBlocked(sourceId, targetId),
    blockedOrDomainBlocked(targetId, sourceId),
  ]);
  return forward !== undefined || backward !== undefined;
}
