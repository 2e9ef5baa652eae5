// What moderators do to accounts (Mastodon's Admin::AccountAction and the undo endpoints of
// Api::V1::Admin::AccountsController): warn, mark sensitive, freeze (disable), limit (silence)
// and suspend, each with a strike the owner is told of; and their undoing. The admin API and
// the `kith accounts` commands both come here, so every path federates and writes its audit
// entry in the same transaction. `by` is the acting moderator, or null for the operator at the
// command line, who may do anything.
import { enqueue } from "../../jobs/queue.ts";
import { acct } from "../accounts/queries.ts";
import { type Context, inTransaction } from "../context.ts";
import { DomainError, validation } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import { rejectFollowRequest, removeFromFollowers, unfollow } from "../relationships/follow.ts";
import { resolveReport } from "../reports/moderation.ts";
import { getReport } from "../reports/queries.ts";
import type { Viewer } from "../viewer.ts";
import { recordAudit } from "./audit.ts";
import { type ModerationTarget, mayModerate } from "./targets.ts";
import { createWarning } from "./warnings.ts";

export const ACCOUNT_ACTION_TYPES = ["none", "sensitive", "disable", "silence", "suspend"] as const;
export type AccountActionType = (typeof ACCOUNT_ACTION_TYPES)[number];

export const UNDO_ACTIONS = ["enable", "unsilence", "unsensitive", "unsuspend"] as const;
export type UndoAction = (typeof UNDO_ACTIONS)[number];

/** How long a suspended account's data are kept before they are purged (Mastodon: 30 days). */
export const SUSPENSION_GRACE_MS = 30 * 24 * 3600_000;
export const ACCOUNT_PURGE_QUEUE = "account.purge";
export const purgeDedupeKey = (accountId: string) => `account.purge:${accountId}`;

export interface AccountActionInput {
  type: AccountActionType;
  text?: string;
  reportId?: string;
  /** Tell a local owner (Mastodon's `send_email_notification`, default true). */
  notifyOwner?: boolean;
}

const auditVerb = (type: AccountActionType) => (type === "none" ? "warn" : type);

export async function takeAccountAction(
  ctx: Context,
  by: Viewer | null,
  targetId: string,
  input: AccountActionInput,
): Promise<void> {
  const target = await mayModerate(ctx, by, "manage_users", targetId);
  const { account, user } = target;
  if (input.type === "disable" && !user)
    throw validation("Validation failed: Only local accounts can be disabled");
  // A suspension by the account's own server may be made one of this server's.
  if (input.type === "suspend" && account.suspended_at && account.suspension_origin !== "remote")
    throw new DomainError("conflict", "The account is already suspended");
  const reportIds = await reportsToResolve(ctx, target, input);
  const byId = by?.accountId ?? null;
  await inTransaction(ctx, async (tctx, trx) => {
    const now = new Date().toISOString();
    switch (input.type) {
      case "sensitive":
      case "silence": {
        const column = input.type === "sensitive" ? "sensitized_at" : "silenced_at";
        await trx
          .updateTable("accounts")
          .set({ [column]: now })
          .where("id", "=", account.id)
          .where(column, "is", null)
          .execute();
        break;
      }
      case "disable":
        await trx
          .updateTable("users")
          .set({ disabled: 1, updated_at: now })
          .where("account_id", "=", account.id)
          .execute();
        break;
      case "suspend":
        await suspendAccount(tctx, target, now);
        break;
      case "none":
        break;
    }
    const warning = await createWarning(tctx, {
      by: byId,
      targetAccountId: account.id,
      action: input.type,
      text: input.text ?? "",
      reportId: input.reportId ?? null,
      notifyOwner: input.notifyOwner !== false && user !== null,
    });
    for (const id of reportIds) await resolveReport(tctx, id, byId);
    await recordAudit(tctx, {
      accountId: byId,
      action: `account.${auditVerb(input.type)}`,
      targetType: "account",
      targetId: account.id,
      targetLabel: acct(account),
      detail: {
        warning_id: warning.id,
        ...(input.text ? { text: input.text } : {}),
        ...(input.reportId ? { report_id: input.reportId } : {}),
      },
    });
  });
}

/**
 * As Mastodon: a warning resolves only the report it names; any other action resolves every
 * open report against the account. A named report must be about this account.
 */
async function reportsToResolve(
  ctx: Context,
  { account }: ModerationTarget,
  input: AccountActionInput,
): Promise<string[]> {
  const ids = new Set<string>();
  if (input.reportId) {
    const report = await getReport(ctx, input.reportId);
    if (report.target_account_id !== account.id)
      throw validation("Validation failed: The report is about another account");
    if (!report.action_taken_at) ids.add(report.id);
  }
  if (input.type !== "none") {
    const open = await ctx.db.kysely
      .selectFrom("reports")
      .select("id")
      .where("target_account_id", "=", account.id)
      .where("action_taken_at", "is", null)
      .execute();
    for (const r of open) ids.add(r.id);
  }
  return [...ids];
}

/**
 * Hides the account everywhere (every read path checks `suspended_at`) and schedules the purge
 * of its data. A local account's actor goes out again saying `suspended`; a remote account's
 * follows with local accounts are severed, and its follows of them rejected, since its own
 * server still lets it read what they send it (Mastodon's SuspendAccountService).
 */
async function suspendAccount(tctx: Context, { account }: ModerationTarget, now: string) {
  if (account.domain !== null) await severRemoteFollows(tctx, account.id);
  await tctx.db.kysely
    .updateTable("accounts")
    .set({ suspended_at: now, suspension_origin: "local" })
    .where("id", "=", account.id)
    .execute();
  if (account.domain === null)
    await emitDomainEvent(tctx, { type: "account.suspended", accountId: account.id });
  await enqueue(
    tctx.db,
    ACCOUNT_PURGE_QUEUE,
    { accountId: account.id, suspendedAt: now },
    {
      runAt: new Date(Date.parse(now) + SUSPENSION_GRACE_MS),
      dedupeKey: purgeDedupeKey(account.id),
    },
  );
}

async function severRemoteFollows(tctx: Context, remoteId: string) {
  const { kysely } = tctx.db;
  const theirFollows = await kysely
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.target_account_id")
    .select("follows.target_account_id as id")
    .where("follows.account_id", "=", remoteId)
    .where("accounts.domain", "is", null)
    .execute();
  for (const f of theirFollows) await removeFromFollowers(tctx, f.id, remoteId);
  const theirRequests = await kysely
    .selectFrom("follow_requests")
    .innerJoin("accounts", "accounts.id", "follow_requests.target_account_id")
    .select("follow_requests.target_account_id as id")
    .where("follow_requests.account_id", "=", remoteId)
    .where("accounts.domain", "is", null)
    .execute();
  for (const r of theirRequests) await rejectFollowRequest(tctx, remoteId, r.id);
  const ourFollows = await kysely
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.account_id")
    .select("follows.account_id as id")
    .where("follows.target_account_id", "=", remoteId)
    .where("accounts.domain", "is", null)
    .execute();
  const ourRequests = await kysely
    .selectFrom("follow_requests")
    .innerJoin("accounts", "accounts.id", "follow_requests.account_id")
    .select("follow_requests.account_id as id")
    .where("follow_requests.target_account_id", "=", remoteId)
    .where("accounts.domain", "is", null)
    .execute();
  const followers = new Set([...ourFollows, ...ourRequests].map((f) => f.id));
  for (const id of followers) await unfollow(tctx, id, remoteId);
}

/** Lifts a freeze, limit, sensitive mark or suspension. */
export async function undoAccountAction(
  ctx: Context,
  by: Viewer | null,
  targetId: string,
  action: UndoAction,
): Promise<void> {
  const { account, user } = await mayModerate(ctx, by, "manage_users", targetId);
  if (action === "enable" && !user)
    throw validation("Validation failed: Only local accounts can be enabled");
  if (action === "unsuspend" && !account.suspended_at)
    throw new DomainError("conflict", "The account is not suspended");
  // Only its own server can lift what it imposed (Mastodon's AccountPolicy#unsuspend?).
  if (action === "unsuspend" && account.suspension_origin === "remote")
    throw new DomainError("forbidden", "The account is suspended by its own server");
  if (action === "unsuspend" && account.domain === null && !user)
    throw new DomainError("conflict", "The account's data are already purged");
  await inTransaction(ctx, async (tctx, trx) => {
    const now = new Date().toISOString();
    switch (action) {
      case "enable":
        await trx
          .updateTable("users")
          .set({ disabled: 0, updated_at: now })
          .where("account_id", "=", account.id)
          .execute();
        break;
      case "unsilence":
        await trx
          .updateTable("accounts")
          .set({ silenced_at: null })
          .where("id", "=", account.id)
          .execute();
        break;
      case "unsensitive":
        await trx
          .updateTable("accounts")
          .set({ sensitized_at: null })
          .where("id", "=", account.id)
          .execute();
        break;
      case "unsuspend":
        await trx
          .updateTable("accounts")
          .set({ suspended_at: null, suspension_origin: null, updated_at: now })
          .where("id", "=", account.id)
          .execute();
        // The purge is called off; the data were only hidden, so everything is back.
        await trx.deleteFrom("jobs").where("dedupe_key", "=", purgeDedupeKey(account.id)).execute();
        if (account.domain === null)
          await emitDomainEvent(tctx, { type: "account.unsuspended", accountId: account.id });
        break;
    }
    await recordAudit(tctx, {
      accountId: by?.accountId ?? null,
      action: `account.${action}`,
      targetType: "account",
      targetId: account.id,
      targetLabel: acct(account),
    });
  });
}
