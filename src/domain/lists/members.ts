// Who is on a list. Only accounts the owner follows can be added (Mastodon answers 422
// otherwise); each membership row points at that follow, so unfollowing removes the account
// from the owner's lists through the foreign key.
import { isId, newId } from "../../db/ids.ts";
import type { AccountRow } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import type { Page } from "../pagination.ts";
import { type AccountPage, pageOfAccounts } from "../relationships/lists.ts";
import type { Viewer } from "../viewer.ts";
import { getOwnList } from "./lists.ts";

/** How many accounts one request may add or remove (Mastodon leaves it unbounded). */
export const MAX_ACCOUNTS_PER_REQUEST = 200;

function checkIds(accountIds: readonly string[]): string[] {
  const unique = [...new Set(accountIds)];
  if (unique.length > MAX_ACCOUNTS_PER_REQUEST)
    throw validation(
      `Validation failed: at most ${MAX_ACCOUNTS_PER_REQUEST} account_ids at a time`,
    );
  return unique;
}

/** A page of the list's members (newest membership first), or all of them when `page` is null. */
export async function listMembers(
  ctx: Context,
  viewer: Viewer,
  listId: string,
  page: Page | null,
): Promise<AccountPage> {
  const list = await getOwnList(ctx, viewer, listId);
  const q = ctx.db.kysely
    .selectFrom("list_accounts as la")
    .innerJoin("accounts as a", "a.id", "la.account_id")
    .selectAll("a")
    .select("la.id as row_id")
    .where("la.list_id", "=", list.id)
    .where("a.suspended_at", "is", null);
  if (page) return pageOfAccounts(q, "la.id", page);
  const rows = await q.orderBy("la.id", "desc").execute();
  return {
    accounts: rows.map(({ row_id: _, ...account }): AccountRow => account),
    cursors: rows.map((r) => r.row_id),
  };
}

/** Adds the accounts, all or none: each must exist, be followed and not be on the list yet. */
export async function addMembers(
  ctx: Context,
  viewer: Viewer,
  listId: string,
  accountIds: readonly string[],
): Promise<void> {
  const list = await getOwnList(ctx, viewer, listId);
  const wanted = checkIds(accountIds);
  if (wanted.length === 0) return;
  if (!wanted.every(isId)) throw notFound();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const accounts = await trx
      .selectFrom("accounts")
      .select("id")
      .where("id", "in", wanted)
      .execute();
    if (accounts.length !== wanted.length) throw notFound();
    const follows = await trx
      .selectFrom("follows")
      .select(["id", "target_account_id"])
      .where("account_id", "=", viewer.accountId)
      .where("target_account_id", "in", wanted)
      .execute();
    const followOf = new Map(follows.map((f) => [f.target_account_id, f.id]));
    if (wanted.some((id) => !followOf.has(id)))
      throw validation("Validation failed: Account must be followed to be added to a list");
    const present = await trx
      .selectFrom("list_accounts")
      .select("account_id")
      .where("list_id", "=", list.id)
      .where("account_id", "in", wanted)
      .execute();
    if (present.length > 0) throw validation("Validation failed: Account has already been taken");
    const now = new Date().toISOString();
    await trx
      .insertInto("list_accounts")
      .values(
        wanted.map((id) => ({
          id: newId(),
          list_id: list.id,
          account_id: id,
          follow_id: followOf.get(id)!,
          created_at: now,
        })),
      )
      // a concurrent request adding the same account already did the work
      .onConflict((oc) => oc.columns(["list_id", "account_id"]).doNothing())
      .execute();
  });
}

/** Removes the accounts; those not on the list are ignored, as in Mastodon. */
export async function removeMembers(
  ctx: Context,
  viewer: Viewer,
  listId: string,
  accountIds: readonly string[],
): Promise<void> {
  const list = await getOwnList(ctx, viewer, listId);
  const wanted = checkIds(accountIds).filter(isId);
  if (wanted.length === 0) return;
  await ctx.db.kysely
    .deleteFrom("list_accounts")
    .where("list_id", "=", list.id)
    .where("account_id", "in", wanted)
    .execute();
}
