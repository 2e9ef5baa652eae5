// The end of a local account's login and profile, shared by `kith accounts delete` and the
// purge of a suspended account: the user row goes, the account row stays as a suspended,
// emptied tombstone so that the name cannot be taken again (other servers still know it), and
// other servers are told with a Delete of the actor (Mastodon's DeleteAccountService).
import type { Context } from "../context.ts";
import { emitDomainEvent } from "../events.ts";

/** The remote accounts that follow `accountId` or that it follows: who is to hear of its end. */
export async function relatedRemoteAccountIds(ctx: Context, accountId: string): Promise<string[]> {
  const rows = await ctx.db.kysely
    .selectFrom("follows")
    .innerJoin("accounts", (j) =>
      j.on((eb) =>
        eb.or([
          eb.and([
            eb("follows.target_account_id", "=", accountId),
            eb("accounts.id", "=", eb.ref("follows.account_id")),
          ]),
          eb.and([
            eb("follows.account_id", "=", accountId),
            eb("accounts.id", "=", eb.ref("follows.target_account_id")),
          ]),
        ]),
      ),
    )
    .select("accounts.id")
    .where("accounts.domain", "is not", null)
    .execute();
  return [...new Set(rows.map((r) => r.id))];
}

/** Empties an account's profile and keeps it suspended (`suspendedAt`, or now). */
export async function emptyProfile(ctx: Context, accountId: string, suspendedAt?: string) {
  const now = new Date().toISOString();
  await ctx.db.kysely
    .updateTable("accounts")
    .set({
      display_name: "",
      note: "",
      fields: "[]",
      avatar_url: null,
      header_url: null,
      suspended_at: suspendedAt ?? now,
      updated_at: now,
    })
    .where("id", "=", accountId)
    .execute();
}

/**
 * Removes the login of local account `accountId` and empties its profile; the servers of
 * `remoteAccountIds` are sent a Delete of the actor (named in the event because follows may be
 * gone by the time it is delivered). Call inside the caller's transaction.
 */
export async function retireLocalAccount(
  tctx: Context,
  accountId: string,
  remoteAccountIds: readonly string[],
): Promise<void> {
  const row = await tctx.db.kysely
    .selectFrom("accounts")
    .select("suspended_at")
    .where("id", "=", accountId)
    .executeTakeFirst();
  await tctx.db.kysely.deleteFrom("users").where("account_id", "=", accountId).execute();
  await emptyProfile(tctx, accountId, row?.suspended_at ?? undefined);
  await emitDomainEvent(tctx, {
    type: "account.deleted",
    accountId,
    remoteAccountIds: [...remoteAccountIds],
  });
}
