// The end of a suspension nobody lifted: 30 days after it (or at once, when an admin deletes the
// account), the account's statuses, favourites, bookmarks, media and follows are deleted. A local
// account also loses its login and tells other servers with a Delete of its actor; the row of
// either kind stays, suspended and emptied, so that the name stays taken and a remote account
// that writes again is still refused (Mastodon's AccountDeletionWorker with reserve_username).

import { eraseAccountActivity } from "../accounts/erase.ts";
import { acct } from "../accounts/queries.ts";
import { emptyProfile, relatedRemoteAccountIds, retireLocalAccount } from "../accounts/retire.ts";
import { type Context, inTransaction } from "../context.ts";
import { DomainError } from "../errors.ts";
import type { Viewer } from "../viewer.ts";
import { purgeDedupeKey } from "./account-actions.ts";
import { recordAudit } from "./audit.ts";
import { mayModerate } from "./targets.ts";

/** DELETE /api/v1/admin/accounts/:id: purge a suspended account's data now. */
export async function purgeSuspendedAccount(
  ctx: Context,
  by: Viewer | null,
  accountId: string,
): Promise<void> {
  const { account } = await mayModerate(ctx, by, "delete_user_data", accountId);
  if (!account.suspended_at)
    throw new DomainError("forbidden", "Only suspended accounts can be deleted");
  await purgeAccountData(ctx, account.id, by?.accountId ?? null);
}

/** The purge job: only if the suspension it was scheduled for still stands. */
export async function accountPurgeJob(ctx: Context, payload: unknown): Promise<void> {
  const { accountId, suspendedAt } = payload as { accountId: string; suspendedAt: string };
  const account = await ctx.db.kysely
    .selectFrom("accounts")
    .select("suspended_at")
    .where("id", "=", accountId)
    .executeTakeFirst();
  if (!account || account.suspended_at !== suspendedAt) return;
  await purgeAccountData(ctx, accountId, null);
}

async function purgeAccountData(ctx: Context, accountId: string, by: string | null) {
  const { kysely } = ctx.db;
  const account = await kysely
    .selectFrom("accounts")
    .select(["id", "username", "domain", "suspended_at"])
    .where("id", "=", accountId)
    .executeTakeFirstOrThrow();
  // Asked before the follows go: the servers that are to hear of a local account's end.
  const related = account.domain === null ? await relatedRemoteAccountIds(ctx, accountId) : [];
  await eraseAccountActivity(ctx, accountId);
  await inTransaction(ctx, async (tctx, trx) => {
    if (account.domain === null) await retireLocalAccount(tctx, accountId, related);
    else await emptyProfile(tctx, accountId, account.suspended_at ?? undefined);
    await trx.deleteFrom("jobs").where("dedupe_key", "=", purgeDedupeKey(accountId)).execute();
    await recordAudit(tctx, {
      accountId: by,
      action: by === null ? "account.purge" : "account.destroy",
      targetType: "account",
      targetId: accountId,
      targetLabel: acct(account),
    });
  });
}
