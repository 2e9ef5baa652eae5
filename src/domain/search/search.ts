// One search over accounts, hashtags and statuses, as Mastodon's SearchService: with
// `resolve` (signed-in viewers only) a URL is looked up and gives just what it names, and a
// complete handle is looked up and leads the accounts; otherwise each kind is searched on its
// own terms. Statuses are searched for signed-in viewers only.
import type { AccountRow } from "../accounts/queries.ts";
import { searchAccounts } from "../accounts/search.ts";
import type { Context } from "../context.ts";
import type { Page } from "../pagination.ts";
import type { StatusView } from "../statuses/views.ts";
import { toTimelinePage } from "../timelines/page.ts";
import type { Viewer } from "../viewer.ts";
import { searchHashtags, type TagRow } from "./hashtags.ts";
import { parseStatusQuery } from "./query.ts";
import { completeHandle, isUrlQuery, resolveHandle, resolveUrl } from "./resolve.ts";
import { searchStatuses } from "./statuses.ts";

export type SearchType = "accounts" | "hashtags" | "statuses";

export interface SearchParams {
  q: string;
  type?: SearchType;
  resolve: boolean;
  following: boolean;
  accountId?: string;
  excludeUnreviewed: boolean;
  /** limit, and max_id/min_id for statuses */
  page: Page;
  offset: number;
}

export interface SearchResults {
  accounts: AccountRow[];
  hashtags: TagRow[];
  statuses: StatusView[];
}

export async function search(
  ctx: Context,
  viewer: Viewer | null,
  params: SearchParams,
): Promise<SearchResults> {
  const results: SearchResults = { accounts: [], hashtags: [], statuses: [] };
  // PostgreSQL refuses NUL in text; nobody searches for one.
  const q = params.q.replaceAll("\u0000", "").trim();
  if (q === "") return results;
  const wants = (type: SearchType) => params.type === undefined || params.type === type;
  const resolve = params.resolve && viewer !== null;

  if (resolve && isUrlQuery(q)) {
    if (params.offset > 0) return results;
    const found = await resolveUrl(ctx, viewer, q);
    if (found && "account" in found && wants("accounts")) results.accounts = [found.account];
    if (found && "status" in found && wants("statuses")) {
      const page = await toTimelinePage(ctx, viewer, [found.status], params.page);
      results.statuses = page.statuses;
    }
    return results;
  }

  if (wants("accounts") && !(q.startsWith("#") || (q.includes("@") && q.includes(" "))))
    results.accounts = await accountResults(ctx, viewer, q, params, resolve);
  if (wants("statuses") && viewer !== null) {
    const page = await searchStatuses(ctx, viewer, {
      query: parseStatusQuery(q),
      ...(params.accountId ? { accountId: params.accountId } : {}),
      page: params.page,
      offset: params.offset,
    });
    results.statuses = page.statuses;
  }
  if (wants("hashtags") && !q.includes("@"))
    results.hashtags = await searchHashtags(ctx, viewer, {
      q,
      limit: params.page.limit,
      offset: params.offset,
      excludeUnreviewed: params.excludeUnreviewed,
    });
  return results;
}

/** Accounts: with `resolve`, a complete handle is looked up first and leads the list. */
export async function accountResults(
  ctx: Context,
  viewer: Viewer | null,
  q: string,
  params: Pick<SearchParams, "page" | "offset" | "following">,
  resolve: boolean,
): Promise<AccountRow[]> {
  const found = await searchAccounts(ctx, viewer, {
    q,
    limit: params.page.limit,
    offset: params.offset,
    following: params.following,
  });
  if (!resolve || viewer === null || params.offset > 0 || !completeHandle(q)) return found;
  const exact = await resolveHandle(ctx, viewer, q);
  if (!exact || found.some((a) => a.id === exact.id)) return found;
  if (params.following && !(await follows(ctx, viewer.accountId, exact.id))) return found;
  return [exact, ...found].slice(0, params.page.limit);
}

async function follows(ctx: Context, accountId: string, targetId: string): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom("follows")
    .select("id")
    .where("account_id", "=", accountId)
    .where("target_account_id", "=", targetId)
    .executeTakeFirst();
  return row !== undefined;
}
