// `resolve=true`: a search for `@user@domain`, `user@domain` or the https URL of a profile or a
// status finds it even when this server has never seen it, by asking its server. The fetching
// is federation's (src/federation/lookup.ts); the domain only declares what it needs
// (`RemoteLookup`, given in the Context by main.ts) and decides what the viewer gets: a status
// only if the visibility rule lets them see it, an account only if it is listed and does not
// block them. Anything that fails is logged and gives no result, never an error.
import { sql } from "kysely";
import { logger } from "../../logging.ts";
import { type AccountRow, findByHandle, listedAccount } from "../accounts/queries.ts";
import { isStale } from "../accounts/remote.ts";
import type { Context } from "../context.ts";
import { isSuspended } from "../moderation/domain-policy.ts";
import type { StatusRow } from "../statuses/queries.ts";
import { findStatusByUri } from "../statuses/receive.ts";
import type { Viewer } from "../viewer.ts";
import { canSee } from "../visibility.ts";

const log = logger("search");

export type Resolved = { account: AccountRow } | { status: StatusRow } | null;

/** What federation offers the domain for resolving; both may throw on any failure. */
export interface RemoteLookup {
  /** The account of a remote `user@domain` handle (WebFinger, then its actor). */
  account(handle: string): Promise<AccountRow | null>;
  /** The account or status at a remote URL, fetched from its origin. */
  object(url: string): Promise<Resolved>;
}

const HANDLE = /^@?([\p{L}\p{N}_.-]+)@([a-z0-9.-]+(?::\d+)?)$/iu;

/** `user@domain` with a domain: a handle complete enough to resolve. */
export function completeHandle(q: string): { username: string; domain: string } | null {
  const m = HANDLE.exec(q.trim());
  return m ? { username: m[1]!, domain: m[2]!.toLowerCase() } : null;
}

export const isUrlQuery = (q: string) => /^https?:\/\/\S+$/i.test(q.trim());

/** The account a complete handle names: known and fresh, else looked up at its server. */
export async function resolveHandle(
  ctx: Context,
  viewer: Viewer,
  handle: string,
): Promise<AccountRow | null> {
  const parts = completeHandle(handle);
  if (!parts) return null;
  const known = await findByHandle(ctx, `${parts.username}@${parts.domain}`);
  let account = known && !isStale(known) ? known : null;
  // A server the federation policy cuts off is not asked (and nothing of it stored).
  const askable = ctx.remote && !(await isSuspended(ctx, parts.domain));
  if (!account && parts.domain !== ctx.config.domain.toLowerCase() && askable) {
    account = await attempt(() => ctx.remote!.account(`${parts.username}@${parts.domain}`));
  }
  return shownAccount(ctx, viewer, account ?? known);
}

/** What a URL names, if the viewer may have it: local and known things first. */
export async function resolveUrl(ctx: Context, viewer: Viewer, url: string): Promise<Resolved> {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  parsed.hash = "";
  const href = parsed.href;
  let found: Resolved = await knownAt(ctx, href);
  const askable = ctx.remote && !(await isSuspended(ctx, parsed.host));
  if (!found && parsed.origin !== new URL(ctx.config.origin).origin && askable)
    found = await attempt(() => ctx.remote!.object(href));
  if (!found) return null;
  if ("status" in found)
    return (await canSee(ctx, viewer, found.status)) ? { status: found.status } : null;
  const account = await shownAccount(ctx, viewer, found.account);
  return account ? { account } : null;
}

async function knownAt(ctx: Context, url: string): Promise<Resolved> {
  const status = await findStatusByUri(ctx, url);
  if (status) return { status };
  const account = await ctx.db.kysely
    .selectFrom("accounts")
    .selectAll()
    .where((eb) => eb.or([eb("uri", "=", url), eb("url", "=", url)]))
    .orderBy("id")
    .executeTakeFirst();
  return account ? { account } : null;
}

async function shownAccount(
  ctx: Context,
  viewer: Viewer,
  account: AccountRow | null,
): Promise<AccountRow | null> {
  if (!account || account.suspended_at !== null) return null;
  const shown = await ctx.db.kysely
    .selectFrom("accounts as a")
    .select("a.id")
    .where("a.id", "=", account.id)
    .where(listedAccount("a"))
    .where(
      sql<boolean>`NOT EXISTS (SELECT 1 FROM blocks rb WHERE rb.account_id = a.id AND rb.target_account_id = ${viewer.accountId})`,
    )
    .executeTakeFirst();
  return shown ? account : null;
}

async function attempt<T>(work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    log.info("Could not resolve a search: {error}", { error: (error as Error).message });
    return null;
  }
}
