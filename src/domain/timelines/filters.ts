// Conditions the timelines add on top of the visibility rule: what a viewer chose not to see
// (mutes, which unlike blocks hide only from the muter) and public-timeline hygiene.
import { type Expression, type SqlBool, sql } from "kysely";
import type { Viewer } from "../viewer.ts";

/**
 * Hides statuses by accounts `viewer` muted (expired mutes no longer count), and reblogs of
 * them or by them, on a statuses table aliased `alias`.
 */
export function notMutedFilter(viewer: Viewer | null, alias = "statuses"): Expression<SqlBool> {
  if (!viewer) return sql<SqlBool>`1 = 1`;
  const now = new Date().toISOString();
  const me = viewer.accountId;
  const active = (m: string) =>
    sql`${sql.ref(`${m}.account_id`)} = ${me} AND (${sql.ref(`${m}.expires_at`)} IS NULL OR ${sql.ref(`${m}.expires_at`)} > ${now})`;
  return sql<SqlBool>`(NOT EXISTS (SELECT 1 FROM mutes mute_a WHERE ${active("mute_a")} AND mute_a.target_account_id = ${sql.ref(`${alias}.account_id`)}) AND NOT EXISTS (SELECT 1 FROM mutes mute_r INNER JOIN statuses mute_o ON mute_o.account_id = mute_r.target_account_id WHERE ${active("mute_r")} AND mute_o.id = ${sql.ref(`${alias}.reblog_of_id`)}))`;
}

/**
 * Public and tag timelines leave out limited (silenced) accounts unless the viewer follows
 * them, as Mastodon does. A silenced server's accounts are limited too: its domain block marks
 * them (moderation/domain-blocks.ts, and accounts/remote.ts for those first seen later), so
 * the one indexed column answers for both and no per-status domain match is needed.
 */
export function notLimitedFilter(viewer: Viewer | null, alias = "statuses"): Expression<SqlBool> {
  const author = sql.ref(`${alias}.account_id`);
  const limited = sql`EXISTS (SELECT 1 FROM accounts lim_a WHERE lim_a.id = ${author} AND lim_a.silenced_at IS NOT NULL)`;
  if (!viewer) return sql<SqlBool>`NOT ${limited}`;
  return sql<SqlBool>`(NOT ${limited} OR ${author} = ${viewer.accountId} OR EXISTS (SELECT 1 FROM follows lim_f WHERE lim_f.account_id = ${viewer.accountId} AND lim_f.target_account_id = ${author}))`;
}

/**
 * Public and tag timelines leave out every account of a server the viewer blocked, even one
 * they follow (Mastodon's Status.not_domain_blocked_by_account); home and notifications keep
 * followed accounts (relationships/exclusions.ts).
 */
export function notFromBlockedServerFilter(
  viewer: Viewer | null,
  alias = "statuses",
): Expression<SqlBool> {
  if (!viewer) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`NOT EXISTS (SELECT 1 FROM account_domain_blocks pdb INNER JOIN accounts pda ON pda.domain = pdb.domain WHERE pdb.account_id = ${viewer.accountId} AND pda.id = ${sql.ref(`${alias}.account_id`)})`;
}
