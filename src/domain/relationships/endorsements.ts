// Endorsements (Mastodon's account pins, "featured accounts"): a user features accounts they
// follow on their profile. Ending the follow ends the endorsement (follow.ts). Lists are paged
// by the pin row's ID, newest first, and hide the same people as followers lists do.
import { newId } from "../../db/ids.ts";
import { getVisibleAccount, listedAccount } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { validation } from "../errors.ts";
import type { Page } from "../pagination.ts";
import type { Viewer } from "../viewer.ts";
import { notExcludedBy } from "./exclusions.ts";
import { type AccountPage, collectionsHidden, pageOfAccounts } from "./lists.ts";

/** Features `targetId` on the viewer's profile; only an account they follow (Mastodon's rule). */
export async function endorse(ctx: Context, viewer: Viewer, targetId: string): Promise<void> {
  const follows = await ctx.db.kysely
    .selectFrom("follows")
    .select("id")
    .where("account_id", "=", viewer.accountId)
    .where("target_account_id", "=", targetId)
    .executeTakeFirst();
  if (!follows)
    throw validation(
      "Validation failed: You must be already following the person you want to endorse",
    );
  await ctx.db.kysely
    .insertInto("account_pins")
    .values({
      id: newId(),
      account_id: viewer.accountId,
      target_account_id: targetId,
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doNothing())
    .execute();
}

export async function unendorse(ctx: Context, viewer: Viewer, targetId: string): Promise<void> {
  await ctx.db.kysely
    .deleteFrom("account_pins")
    .where("account_id", "=", viewer.accountId)
    .where("target_account_id", "=", targetId)
    .execute();
}

/** The accounts `accountId` features, as `viewer` may see them (the owner always sees all). */
export async function listEndorsements(
  ctx: Context,
  viewer: Viewer | null,
  accountId: string,
  page: Page,
): Promise<AccountPage> {
  const account = await getVisibleAccount(ctx, accountId);
  if (await collectionsHidden(ctx, viewer, account)) return { accounts: [], cursors: [] };
  let q = ctx.db.kysely
    .selectFrom("account_pins as p")
    .innerJoin("accounts as a", "a.id", "p.target_account_id")
    .selectAll("a")
    .select("p.id as row_id")
    .where("p.account_id", "=", account.id)
    .where("a.suspended_at", "is", null)
    .where(listedAccount("a"));
  if (viewer && viewer.accountId !== account.id)
    q = q.where(notExcludedBy(viewer.accountId, "a.id"));
  return pageOfAccounts(q, "p.id", page);
}
