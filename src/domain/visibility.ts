// THE rule for who may see a status. Every surface (a status by ID, threads, timelines, account
// pages, favourited_by, bookmarks, …) goes through `canSee` for one status or through
// `visibleStatusFilter` for lists, so a list query never even loads a row the viewer may not see.
//
//   public, unlisted → anyone
//   private          → the author, the author's followers and the accounts it mentions
//   direct           → the author and the accounts it mentions
//
// and, whatever the visibility: nobody sees a suspended author's statuses; a block in either
// direction hides them (except from the author), and so does the viewer's block of the
// author's server unless the viewer still follows the author (relationships/exclusions.ts,
// `notShutOut`); a reblog is visible only if its original is.
// Staff get no exception here: moderation has its own tools.
import { type Expression, type RawBuilder, type SqlBool, sql } from "kysely";
import type { Visibility } from "../db/schema.ts";
import type { Context } from "./context.ts";
import { notShutOut, shutOut } from "./relationships/exclusions.ts";
import type { Viewer } from "./viewer.ts";

/** What the rule needs to know about one (viewer, status) pair. */
export interface VisibilityFacts {
  visibility: Visibility;
  /** Is there a signed-in viewer at all? */
  signedIn: boolean;
  isAuthor: boolean;
  authorSuspended: boolean;
  /** A block between author and viewer in either direction, or the viewer's domain block. */
  blocked: boolean;
  following: boolean;
  mentioned: boolean;
}

/** The rule table as a pure function; the SQL filter below must agree with it (tests check). */
export function mayView(f: VisibilityFacts): boolean {
  if (f.authorSuspended) return false;
  if (!f.signedIn) return f.visibility === "public" || f.visibility === "unlisted";
  if (f.isAuthor) return true;
  if (f.blocked) return false;
  switch (f.visibility) {
    case "public":
    case "unlisted":
      return true;
    case "private":
      return f.following || f.mentioned;
    case "direct":
      return f.mentioned;
    default:
      return false;
  }
}

/** The columns of a status row the rule reads. */
export interface StatusForVisibility {
  id: string;
  account_id: string;
  visibility: Visibility;
  reblog_of_id: string | null;
}

/** May `viewer` see this status (and, for a reblog, its original)? */
export async function canSee(
  ctx: Context,
  viewer: Viewer | null,
  status: StatusForVisibility,
): Promise<boolean> {
  if (!(await canSeeOne(ctx, viewer, status))) return false;
  if (!status.reblog_of_id) return true;
  const original = await ctx.db.kysely
    .selectFrom("statuses")
    .select(["id", "account_id", "visibility", "reblog_of_id"])
    .where("id", "=", status.reblog_of_id)
    .executeTakeFirst();
  return original !== undefined && (await canSeeOne(ctx, viewer, original));
}

async function canSeeOne(
  ctx: Context,
  viewer: Viewer | null,
  status: StatusForVisibility,
): Promise<boolean> {
  const { kysely } = ctx.db;
  const author = await kysely
    .selectFrom("accounts")
    .select("suspended_at")
    .where("id", "=", status.account_id)
    .executeTakeFirst();
  const facts: VisibilityFacts = {
    visibility: status.visibility,
    signedIn: viewer !== null,
    isAuthor: viewer?.accountId === status.account_id,
    authorSuspended: !author || author.suspended_at !== null,
    blocked: false,
    following: false,
    mentioned: false,
  };
  if (!viewer || facts.isAuthor || facts.authorSuspended) return mayView(facts);
  const me = viewer.accountId;
  const them = status.account_id;
  facts.blocked = await shutOut(ctx, me, them);
  if (facts.blocked || status.visibility === "public" || status.visibility === "unlisted")
    return mayView(facts);
  const mention = await kysely
    .selectFrom("status_mentions")
    .select("account_id")
    .where("status_id", "=", status.id)
    .where("account_id", "=", me)
    .executeTakeFirst();
  facts.mentioned = mention !== undefined;
  if (status.visibility === "private" && !facts.mentioned) {
    const follow = await kysely
      .selectFrom("follows")
      .select("id")
      .where("account_id", "=", me)
      .where("target_account_id", "=", them)
      .executeTakeFirst();
    facts.following = follow !== undefined;
  }
  return mayView(facts);
}

/**
 * The same rule as a WHERE condition on a statuses table aliased `alias` (default `statuses`),
 * for list queries: `.where(visibleStatusFilter(viewer, "s"))`. Each branch is an EXISTS on a
 * unique or primary-key index, so it costs a few index probes per candidate row.
 */
export function visibleStatusFilter(
  viewer: Viewer | null,
  alias = "statuses",
): Expression<SqlBool> {
  return withOriginal(viewer ? viewer.accountId : null, alias);
}

/**
 * The rule for a viewer given as a column (e.g. `f.account_id` of a follows row), so one
 * INSERT … SELECT can fan a status out to exactly the readers who may see it.
 */
export function visibleToAccountColumn(column: string, alias = "statuses"): Expression<SqlBool> {
  // It holds no values, only names: built once per pair (every fan-out uses it).
  const key = `${column} ${alias}`;
  let condition = byColumn.get(key);
  if (!condition) byColumn.set(key, (condition = withOriginal(sql.ref(column), alias)));
  return condition;
}
const byColumn = new Map<string, Expression<SqlBool>>();

type ViewerRef = string | Expression<unknown> | null;

function withOriginal(viewer: ViewerRef, alias: string): RawBuilder<SqlBool> {
  const original = `${alias}_original`;
  return sql<SqlBool>`(${rule(viewer, alias)} AND (${sql.ref(`${alias}.reblog_of_id`)} IS NULL OR EXISTS (SELECT 1 FROM statuses ${sql.table(original)} WHERE ${sql.ref(`${original}.id`)} = ${sql.ref(`${alias}.reblog_of_id`)} AND ${rule(viewer, original)})))`;
}

function rule(me: ViewerRef, alias: string): RawBuilder<SqlBool> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  const author = col("account_id");
  const visibility = col("visibility");
  const notSuspended = sql`NOT EXISTS (SELECT 1 FROM accounts vis_a WHERE vis_a.id = ${author} AND vis_a.suspended_at IS NOT NULL)`;
  const listed = sql`${visibility} IN ('public', 'unlisted')`;
  if (me === null) return sql<SqlBool>`(${listed} AND ${notSuspended})`;
  const notBlocked = notShutOut(me, `${alias}.account_id`);
  const mentioned = sql`EXISTS (SELECT 1 FROM status_mentions vis_m WHERE vis_m.status_id = ${col("id")} AND vis_m.account_id = ${me})`;
  const following = sql`EXISTS (SELECT 1 FROM follows vis_f WHERE vis_f.account_id = ${me} AND vis_f.target_account_id = ${author})`;
  return sql<SqlBool>`(${notSuspended} AND (${author} = ${me} OR (${notBlocked} AND (${listed} OR (${visibility} = 'private' AND (${following} OR ${mentioned})) OR (${visibility} = 'direct' AND ${mentioned})))))`;
}

/** Those of `accountIds` that are local and may see the status (for notifications, feeds). */
export async function localViewersAmong(
  ctx: Context,
  statusId: string,
  accountIds: readonly string[],
): Promise<string[]> {
  const unique = [...new Set(accountIds)];
  if (unique.length === 0) return [];
  const rows = await ctx.db.kysely
    .selectFrom("accounts as viewer")
    .innerJoin("statuses as s", (join) => join.on("s.id", "=", statusId))
    .select("viewer.id")
    .where("viewer.id", "in", unique)
    .where("viewer.domain", "is", null)
    .where(visibleToAccountColumn("viewer.id", "s"))
    .execute();
  return rows.map((r) => r.id);
}
