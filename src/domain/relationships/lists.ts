// Lists of accounts made of follow rows: an account's followers and follows, the viewer's
// pending follow requests, and "familiar followers". Pages are cut by the follow row's ID (the
// cursor clients get back in Link headers), newest first.
import type { SelectQueryBuilder } from "kysely";
import { isId } from "../../db/ids.ts";
import { type AccountRow, getVisibleAccount, listedAccount } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";
import type { Viewer } from "../viewer.ts";
import { notExcludedBy } from "./exclusions.ts";

export interface AccountPage {
  accounts: AccountRow[];
  /** the follow (or request) row IDs, in page order, for the Link header */
  cursors: string[];
}

const EMPTY: AccountPage = { accounts: [], cursors: [] };

/**
 * One page of accounts listed through relationship rows (follows, requests, blocks): the query
 * selects the account's columns and the row's ID as `row_id`, which `column` names for paging.
 */
export async function pageOfAccounts<DB, TB extends keyof DB>(
  query: SelectQueryBuilder<DB, TB, AccountRow & { row_id: string }>,
  column: string,
  page: Page,
): Promise<AccountPage> {
  const rows = finishPage(await applyPage(query, column, page).execute(), page);
  return {
    accounts: rows.map(({ row_id: _, ...account }) => account),
    cursors: rows.map((r) => r.row_id),
  };
}

/** Whether the viewer may see who `account` follows or is followed by (Mastodon's hide_results?). */
export async function collectionsHidden(ctx: Context, viewer: Viewer | null, account: AccountRow) {
  if (account.suspended_at) return true;
  if (viewer?.accountId === account.id) return false;
  if (account.hide_collections === 1) return true;
  if (!viewer) return false;
  const blocker = await ctx.db.kysely
    .selectFrom("blocks")
    .select("id")
    .where("account_id", "=", account.id)
    .where("target_account_id", "=", viewer.accountId)
    .executeTakeFirst();
  return blocker !== undefined;
}

async function listFollowRows(
  ctx: Context,
  viewer: Viewer | null,
  table: "follows" | "follow_requests",
  side: "followers" | "following",
  accountId: string,
  page: Page,
): Promise<AccountPage> {
  // followers: rows pointing at the account, listing who follows; following: the reverse.
  const [fixed, shown] =
    side === "followers"
      ? (["f.target_account_id", "f.account_id"] as const)
      : (["f.account_id", "f.target_account_id"] as const);
  let q = ctx.db.kysely
    .selectFrom(`${table} as f`)
    .innerJoin("accounts as a", "a.id", shown)
    .selectAll("a")
    .select("f.id as row_id")
    .where(fixed, "=", accountId)
    .where("a.suspended_at", "is", null)
    .where(listedAccount("a"));
  if (viewer && viewer.accountId !== accountId)
    q = q.where(notExcludedBy(viewer.accountId, "a.id"));
  return pageOfAccounts(q, "f.id", page);
}

export async function listFollowers(
  ctx: Context,
  viewer: Viewer | null,
  accountId: string,
  page: Page,
): Promise<AccountPage> {
  const account = await getVisibleAccount(ctx, accountId);
  if (await collectionsHidden(ctx, viewer, account)) return EMPTY;
  return listFollowRows(ctx, viewer, "follows", "followers", account.id, page);
}

export async function listFollowing(
  ctx: Context,
  viewer: Viewer | null,
  accountId: string,
  page: Page,
): Promise<AccountPage> {
  const account = await getVisibleAccount(ctx, accountId);
  if (await collectionsHidden(ctx, viewer, account)) return EMPTY;
  return listFollowRows(ctx, viewer, "follows", "following", account.id, page);
}

/** Accounts waiting for the viewer to accept or reject their follow request. */
export async function listFollowRequests(
  ctx: Context,
  viewer: Viewer,
  page: Page,
): Promise<AccountPage> {
  // The viewer's own list: no exclusions beyond suspension, as Mastodon.
  const q = ctx.db.kysely
    .selectFrom("follow_requests as f")
    .innerJoin("accounts as a", "a.id", "f.account_id")
    .selectAll("a")
    .select("f.id as row_id")
    .where("f.target_account_id", "=", viewer.accountId)
    .where("a.suspended_at", "is", null);
  return pageOfAccounts(q, "f.id", page);
}

export async function countFollowRequests(ctx: Context, accountId: string): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom("follow_requests")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("target_account_id", "=", accountId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export interface FamiliarFollowers {
  id: string;
  accounts: AccountRow[];
}

/** For each account: the people the viewer follows who follow it too (and show their follows). */
export async function familiarFollowers(
  ctx: Context,
  viewer: Viewer,
  ids: readonly string[],
): Promise<FamiliarFollowers[]> {
  const wanted = [...new Set(ids.filter(isId))].slice(0, 40);
  if (wanted.length === 0) return [];
  const { kysely } = ctx.db;
  const targets = await kysely
    .selectFrom("accounts")
    .select(["id", "hide_collections"])
    .where("id", "in", wanted)
    .where("suspended_at", "is", null)
    .where(listedAccount())
    .execute();
  const rows = await kysely
    .selectFrom("follows as theirs")
    .innerJoin("follows as mine", "mine.target_account_id", "theirs.account_id")
    .innerJoin("accounts as a", "a.id", "theirs.account_id")
    .selectAll("a")
    .select("theirs.target_account_id as familiar_target_id")
    .where("mine.account_id", "=", viewer.accountId)
    .where("theirs.target_account_id", "in", wanted)
    .where("a.hide_collections", "=", 0)
    .where("a.suspended_at", "is", null)
    .orderBy("theirs.id", "desc")
    .execute();
  const byTarget = new Map<string, AccountRow[]>();
  for (const { familiar_target_id, ...account } of rows) {
    const list = byTarget.get(familiar_target_id) ?? [];
    list.push(account);
    byTarget.set(familiar_target_id, list);
  }
  const found = new Map(targets.map((t) => [t.id, t]));
  return wanted.flatMap((id) => {
    const target = found.get(id);
    if (!target) return [];
    return [{ id, accounts: target.hide_collections === 1 ? [] : (byTarget.get(id) ?? []) }];
  });
}
