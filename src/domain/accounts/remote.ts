// Accounts on other servers: stored and refreshed from what federation fetched (already
// validated and sanitised there), found by their ActivityPub id, moved and deleted. Knows
// nothing of ActivityPub itself.
import { newId } from "../../db/ids.ts";
import type { Context } from "../context.ts";
import { DomainError } from "../errors.ts";
import { hostOfUrl, policyFor } from "../moderation/domain-policy.ts";
import { literalLimit } from "../pagination.ts";
import type { AccountRow } from "./queries.ts";

/** A remote actor as federation understood it; HTML is sanitised already. */
export interface RemoteAccountInput {
  uri: string;
  username: string;
  /** the handle's domain: WebFinger's subject (remote/actors.ts), else the id's host[:port] */
  domain: string;
  displayName: string;
  note: string;
  url: string | null;
  inboxUrl: string;
  sharedInboxUrl: string | null;
  outboxUrl: string | null;
  followersUrl: string | null;
  followingUrl: string | null;
  featuredUrl: string | null;
  avatarUrl: string | null;
  headerUrl: string | null;
  actorType: string;
  locked: boolean;
  discoverable: boolean | null;
  indexable: boolean;
  memorial: boolean;
  /** The actor says its own server suspended it (toot:suspended). */
  suspended: boolean;
  fields: { name: string; value: string }[];
  alsoKnownAs: string[];
  publicKeyPem: string | null;
  /** When the actor says it joined; defaults to now */
  published: string | null;
}

/** Remote actors are refetched when their copy is older than this (Mastodon: a day). */
export const REMOTE_ACCOUNT_STALE_MS = 24 * 3600_000;

export async function findAccountByUri(ctx: Context, uri: string): Promise<AccountRow | null> {
  const row = await ctx.db.kysely
    .selectFrom("accounts")
    .selectAll()
    .where("uri", "=", uri)
    .executeTakeFirst();
  return row ?? null;
}

export function isStale(account: AccountRow, now = Date.now()): boolean {
  if (account.domain === null) return false;
  return !account.fetched_at || now - Date.parse(account.fetched_at) > REMOTE_ACCOUNT_STALE_MS;
}

/**
 * Inserts or refreshes the account with this `uri`. Counters and local relations stay as they
 * are; a suspension follows the actor's own word only when it came from there. Throws a
 * DomainError("conflict") when another actor holds the handle, and DomainError("forbidden")
 * for a server this one does not federate with.
 */
export async function upsertRemoteAccount(
  ctx: Context,
  input: RemoteAccountInput,
): Promise<AccountRow> {
  const { kysely } = ctx.db;
  // Nothing is stored of a server this one does not federate with; a silenced server's new
  // accounts carry its block's mark, as those known when it was silenced do (domain-blocks.ts).
  const uriHost = hostOfUrl(input.uri) ?? "";
  const [byHandle, byUri] = [await policyFor(ctx, input.domain), await policyFor(ctx, uriHost)];
  if (!byHandle.federates || !byUri.federates)
    throw new DomainError("forbidden", `${input.domain} is blocked here`);
  const silencedBy = byHandle.silenced ? byHandle.block : byUri.silenced ? byUri.block : null;
  // reject_media: its pictures are not shown from here (remote ones are only ever linked).
  const noMedia = byHandle.rejectsMedia || byUri.rejectsMedia;
  const now = new Date().toISOString();
  const values = {
    username: input.username,
    domain: input.domain,
    display_name: input.displayName,
    note: input.note,
    url: input.url,
    inbox_url: input.inboxUrl,
    shared_inbox_url: input.sharedInboxUrl,
    outbox_url: input.outboxUrl,
    followers_url: input.followersUrl,
    following_url: input.followingUrl,
    featured_url: input.featuredUrl,
    avatar_url: noMedia ? null : input.avatarUrl,
    header_url: noMedia ? null : input.headerUrl,
    actor_type: input.actorType,
    locked: input.locked ? 1 : 0,
    discoverable: input.discoverable === null ? null : input.discoverable ? 1 : 0,
    indexable: input.indexable ? 1 : 0,
    memorial: input.memorial ? 1 : 0,
    fields: JSON.stringify(input.fields.map((f) => ({ ...f, verified_at: null }))),
    also_known_as: JSON.stringify(input.alsoKnownAs),
    public_key_pem: input.publicKeyPem,
    updated_at: now,
    fetched_at: now,
  };
  const existing = await findAccountByUri(ctx, input.uri);
  if (existing) {
    if (existing.domain === null) return existing; // never overwrite a local account
    const update = { ...values, ...suspensionChange(existing, input.suspended, now) };
    await kysely.updateTable("accounts").set(update).where("id", "=", existing.id).execute();
    return { ...existing, ...update };
  }
  const taken = await kysely
    .selectFrom("accounts")
    .select(["id", "uri"])
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", input.username.toLowerCase()))
    .where((eb) => eb(eb.fn("lower", ["domain"]), "=", input.domain.toLowerCase()))
    .executeTakeFirst();
  if (taken)
    throw new DomainError("conflict", `The handle is held by another actor (${taken.uri})`);
  const created =
    input.published && Date.parse(input.published) < Date.now() ? input.published : now;
  const row = {
    id: newId(),
    uri: input.uri,
    ...values,
    moved_to_account_id: null,
    private_key_pem: null,
    suspended_at: input.suspended ? now : null,
    suspension_origin: input.suspended ? ("remote" as const) : null,
    silenced_at: silencedBy?.createdAt ?? null,
    sensitized_at: null,
    last_status_at: null,
    created_at: new Date(Date.parse(created)).toISOString(),
  };
  // Two deliveries may race to create the same actor: the unique uri keeps one.
  await kysely
    .insertInto("accounts")
    .values(row)
    .onConflict((oc) => oc.column("uri").doNothing())
    .execute();
  return (await findAccountByUri(ctx, input.uri)) as AccountRow;
}

/**
 * Follows what the actor says of its own suspension (Mastodon's ProcessAccountService): it is
 * hidden here while its server suspends it, and shown again when it no longer does, unless a
 * moderator here suspended it too.
 */
function suspensionChange(existing: AccountRow, suspended: boolean, now: string) {
  if (suspended && !existing.suspended_at)
    return { suspended_at: now, suspension_origin: "remote" as const };
  if (!suspended && existing.suspension_origin === "remote")
    return { suspended_at: null, suspension_origin: null };
  return {};
}

/** Marks `oldId` as moved to `newId` (Move, after its alias was checked). */
export async function setMovedTo(ctx: Context, oldId: string, newId: string): Promise<boolean> {
  const result = await ctx.db.kysely
    .updateTable("accounts")
    .set({ moved_to_account_id: newId, updated_at: new Date().toISOString() })
    .where("id", "=", oldId)
    .where((eb) =>
      eb.or([eb("moved_to_account_id", "is", null), eb("moved_to_account_id", "!=", newId)]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Local accounts following `accountId`. */
export async function localFollowersOf(ctx: Context, accountId: string): Promise<string[]> {
  const rows = await ctx.db.kysely
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.account_id")
    .select("follows.account_id")
    .where("follows.target_account_id", "=", accountId)
    .where("accounts.domain", "is", null)
    .execute();
  return rows.map((r) => r.account_id);
}

/**
 * Does any local account follow `accountId`, or wait for it to accept a follow? Its posts are
 * kept either way: the other server may send a post before its Accept (they travel through
 * separate queues), and the follow, once it starts, merges what was kept into the home feed.
 */
export async function hasLocalFollowersOrRequests(
  ctx: Context,
  accountId: string,
): Promise<boolean> {
  const local = (table: "follows" | "follow_requests") =>
    ctx.db.kysely
      .selectFrom(table)
      .innerJoin("accounts", "accounts.id", `${table}.account_id`)
      .select("accounts.id")
      .where(`${table}.target_account_id`, "=", accountId)
      .where("accounts.domain", "is", null);
  const row = await local("follows")
    .unionAll(local("follow_requests"))
    .limit(literalLimit(1))
    .executeTakeFirst();
  return row !== undefined;
}
