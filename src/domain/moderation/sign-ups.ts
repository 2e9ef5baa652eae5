// Pending sign-ups (registrations that need approval): approving lets the account in,
// rejecting deletes it outright, name and all, as Mastodon's reject does (nothing of it has
// been seen by anyone yet). The admin API and `kith accounts approve|reject` come here.
import { acct } from "../accounts/queries.ts";
import { type Context, inTransaction } from "../context.ts";
import { DomainError, notFound } from "../errors.ts";
import type { Viewer } from "../viewer.ts";
import { recordAudit } from "./audit.ts";
import { type ModerationTarget, mayModerate } from "./targets.ts";

async function pendingTarget(
  ctx: Context,
  by: Viewer | null,
  accountId: string,
): Promise<ModerationTarget & { user: NonNullable<ModerationTarget["user"]> }> {
  const target = await mayModerate(ctx, by, "manage_users", accountId);
  const { user } = target;
  if (!user) throw notFound();
  if (user.approved) throw new DomainError("conflict", "The account is already approved");
  return { ...target, user };
}

export async function approveAccount(
  ctx: Context,
  by: Viewer | null,
  accountId: string,
): Promise<void> {
  const { account, user } = await pendingTarget(ctx, by, accountId);
  await inTransaction(ctx, async (tctx, trx) => {
    await trx
      .updateTable("users")
      .set({ approved: 1, updated_at: new Date().toISOString() })
      .where("id", "=", user.id)
      .execute();
    await recordAudit(tctx, {
      accountId: by?.accountId ?? null,
      action: "account.approve",
      targetType: "account",
      targetId: account.id,
      targetLabel: acct(account),
    });
  });
}

export async function rejectAccount(
  ctx: Context,
  by: Viewer | null,
  accountId: string,
): Promise<void> {
  const { account } = await pendingTarget(ctx, by, accountId);
  await inTransaction(ctx, async (tctx, trx) => {
    // The user, tokens, notifications to staff and the rest go with it (foreign keys).
    await trx.deleteFrom("accounts").where("id", "=", account.id).execute();
    await recordAudit(tctx, {
      accountId: by?.accountId ?? null,
      action: "account.reject",
      targetType: "account",
      targetId: account.id,
      targetLabel: acct(account),
    });
  });
}
