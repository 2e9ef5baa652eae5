// Who an outgoing activity goes to, read from Kith's tables: the remote accounts (with their
// inboxes) among an account's followers, a status's mentions, and single accounts. No Fedify
// here: deciding that nobody remote is concerned must not load it.
import type { Recipient } from "@fedify/vocab";
import type { Context } from "../../domain/context.ts";

/** A remote account as a delivery target; Fedify's `Recipient` is built from it. */
export interface RemoteRecipient {
  accountId: string;
  uri: string;
  inbox: string;
  sharedInbox: string | null;
}

/** As Fedify wants it: actor id, inbox and shared inbox. */
export function toRecipient(r: RemoteRecipient): Recipient {
  return {
    id: new URL(r.uri),
    inboxId: new URL(r.inbox),
    endpoints: r.sharedInbox ? { sharedInbox: new URL(r.sharedInbox) } : null,
  };
}

/** A local account acting: the sender of an activity. */
export interface LocalSender {
  id: string;
  username: string;
  uri: string;
  /** The instance actor (instance-sender.ts): no account row, signed with its own keys. */
  instance?: true;
}

export interface AccountRef {
  id: string;
  uri: string;
  /** null for local accounts */
  domain: string | null;
}

const RECIPIENT_COLUMNS = [
  "accounts.id as accountId",
  "accounts.uri as uri",
  "accounts.inbox_url as inbox",
  "accounts.shared_inbox_url as sharedInbox",
] as const;

function usable(
  rows: { accountId: string; uri: string; inbox: string | null; sharedInbox: string | null }[],
) {
  return rows.flatMap((r) => (r.inbox ? [{ ...r, inbox: r.inbox }] : []));
}

/** The local, unsuspended account `id`, as a sender; null for remote or missing accounts. */
export async function localSender(
  ctx: Context,
  id: string,
  options: { evenDeleted?: boolean } = {},
): Promise<LocalSender | null> {
  let query = ctx.db.kysely
    .selectFrom("accounts")
    .select(["id", "username", "uri"])
    .where("id", "=", id)
    .where("domain", "is", null);
  if (!options.evenDeleted) query = query.where("suspended_at", "is", null);
  return (await query.executeTakeFirst()) ?? null;
}

export async function accountRefs(
  ctx: Context,
  ids: readonly string[],
): Promise<Map<string, AccountRef>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.db.kysely
    .selectFrom("accounts")
    .select(["id", "uri", "domain"])
    .where("id", "in", unique)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** Every remote, unsuspended follower of `accountId` that has an inbox. */
export async function remoteFollowers(ctx: Context, accountId: string): Promise<RemoteRecipient[]> {
  const rows = await ctx.db.kysely
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.account_id")
    .select(RECIPIENT_COLUMNS)
    .where("follows.target_account_id", "=", accountId)
    .where("accounts.domain", "is not", null)
    .where("accounts.suspended_at", "is", null)
    .orderBy("follows.id")
    .execute();
  return usable(rows);
}

/** The remote ones among `ids` that have an inbox, unsuspended unless asked. */
export async function remoteAccounts(
  ctx: Context,
  ids: readonly string[],
  options: { evenSuspended?: boolean } = {},
): Promise<RemoteRecipient[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  let query = ctx.db.kysely
    .selectFrom("accounts")
    .select(RECIPIENT_COLUMNS)
    .where("accounts.id", "in", unique)
    .where("accounts.domain", "is not", null);
  if (!options.evenSuspended) query = query.where("accounts.suspended_at", "is", null);
  return usable(await query.execute());
}

export async function mentionedAccountIds(ctx: Context, statusId: string): Promise<string[]> {
  const rows = await ctx.db.kysely
    .selectFrom("status_mentions")
    .select("account_id")
    .where("status_id", "=", statusId)
    .execute();
  return rows.map((r) => r.account_id);
}

/** Each recipient once, by account. */
export function uniqueRecipients(...lists: RemoteRecipient[][]): RemoteRecipient[] {
  const seen = new Map<string, RemoteRecipient>();
  for (const r of lists.flat()) if (!seen.has(r.accountId)) seen.set(r.accountId, r);
  return [...seen.values()];
}
