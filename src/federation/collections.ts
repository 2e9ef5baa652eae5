// Each local actor's outbox, followers, following and featured collections.
//
// Followers and following are paged (`?cursor=N`, N from 1) and show their items unless the
// account hides its collections (Mastodon's hide_collections: totals only). Because every
// paged collection has a first cursor, Fedify calls the followers dispatcher with a null cursor
// only when it expands "followers" for a delivery: that call returns every remote follower with
// its inbox and shared inbox. The outbox pages public and unlisted posts (Create) and boosts
// (Announce), newest first; featured holds the pinned posts as Notes. In authorized-fetch mode
// each needs a signed request from an account not blocked by the owner (authorized-fetch.ts).
import type { Federation, RequestContext } from "@fedify/fedify";
import type { Activity, Recipient } from "@fedify/vocab";
import { isId } from "../db/ids.ts";
import { findLocalActor } from "../domain/accounts/local-actors.ts";
import type { Context as KithContext } from "../domain/context.ts";
import { visibleStatusFilter } from "../domain/visibility.ts";
import { fetchAuthorized } from "./authorized-fetch.ts";
import { announceActivity, createActivity, toNote } from "./convert/outgoing.ts";
import { remoteFollowers, toRecipient } from "./outbox/audience.ts";
import { loadNoteSources, rebloggedObjects } from "./outbox/status-data.ts";

const FOLLOWS_PAGE = 40;
const OUTBOX_PAGE = 20;
/** The outbox's first cursor: no upper bound. Later cursors are status ids. */
const NEWEST = "newest";

async function visible(kith: KithContext, identifier: string) {
  const found = await findLocalActor(kith, identifier);
  if (!found || found.account.username !== identifier || found.account.suspended_at) return null;
  return found.account;
}

const authorize = async (fctx: RequestContext<KithContext>, identifier: string) =>
  fetchAuthorized(fctx, (await visible(fctx.data, identifier))?.id ?? null);

const actorUris = (fctx: RequestContext<KithContext>, identifier: string) => ({
  id: fctx.getActorUri(identifier),
  followers: fctx.getFollowersUri(identifier),
});

/** One page of followers or following, newest first; `page` counts from 1. */
async function followsPage(
  kith: KithContext,
  direction: "followers" | "following",
  accountId: string,
  cursor: string,
) {
  const page = Number(cursor);
  if (!Number.isSafeInteger(page) || page < 1)
    return { rows: [], prevCursor: null, nextCursor: null };
  const [self, other] =
    direction === "followers"
      ? (["follows.target_account_id", "follows.account_id"] as const)
      : (["follows.account_id", "follows.target_account_id"] as const);
  const rows = await kith.db.kysely
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", other)
    .select(["accounts.uri", "accounts.inbox_url", "accounts.shared_inbox_url"])
    .where(self, "=", accountId)
    .where("accounts.suspended_at", "is", null)
    .orderBy("follows.id", "desc")
    .limit(FOLLOWS_PAGE + 1)
    .offset((page - 1) * FOLLOWS_PAGE)
    .execute();
  return {
    rows: rows.slice(0, FOLLOWS_PAGE),
    prevCursor: page > 1 ? String(page - 1) : null,
    nextCursor: rows.length > FOLLOWS_PAGE ? String(page + 1) : null,
  };
}

async function outboxPage(
  fctx: RequestContext<KithContext>,
  identifier: string,
  accountId: string,
  cursor: string,
) {
  const kith = fctx.data;
  if (cursor !== NEWEST && !isId(cursor)) return { items: [] };
  let query = kith.db.kysely
    .selectFrom("statuses")
    .selectAll("statuses")
    .where("statuses.account_id", "=", accountId)
    .where(visibleStatusFilter(null))
    .orderBy("statuses.id", "desc")
    .limit(OUTBOX_PAGE + 1);
  if (cursor !== NEWEST) query = query.where("statuses.id", "<", cursor);
  const rows = await query.execute();
  const page = rows.slice(0, OUTBOX_PAGE);
  const actor = actorUris(fctx, identifier);
  const sources = new Map(
    (
      await loadNoteSources(
        kith,
        page.filter((r) => !r.reblog_of_id),
      )
    ).map((s) => [s.status.id, s]),
  );
  const originals = await rebloggedObjects(kith, page);
  const items = page.flatMap((row): Activity[] => {
    if (row.reblog_of_id) {
      const original = originals.get(row.reblog_of_id);
      return original ? [announceActivity(row, actor, original)] : [];
    }
    const source = sources.get(row.id);
    if (!source) return [];
    return [createActivity(toNote(source, actor, kith.config.origin), source, actor)];
  });
  return {
    items,
    nextCursor: rows.length > OUTBOX_PAGE ? page[page.length - 1]!.id : null,
  };
}

export function registerCollections(federation: Federation<KithContext>): void {
  federation
    .setOutboxDispatcher("/users/{identifier}/outbox", async (fctx, identifier, cursor) => {
      const account = await visible(fctx.data, identifier);
      if (!account) return null;
      return outboxPage(fctx, identifier, account.id, cursor ?? NEWEST);
    })
    .setCounter(
      async (fctx, identifier) => (await visible(fctx.data, identifier))?.statuses_count ?? null,
    )
    .setFirstCursor(async (fctx, identifier) =>
      (await visible(fctx.data, identifier)) ? NEWEST : null,
    )
    .authorize(authorize);

  federation
    .setFollowersDispatcher("/users/{identifier}/followers", async (fctx, identifier, cursor) => {
      const account = await visible(fctx.data, identifier);
      if (!account) return null;
      // Fedify's one-shot expansion of "followers" for a delivery: every remote follower.
      if (cursor === null)
        return { items: (await remoteFollowers(fctx.data, account.id)).map(toRecipient) };
      if (account.hide_collections === 1) return { items: [] };
      const { rows, ...cursors } = await followsPage(fctx.data, "followers", account.id, cursor);
      const items = rows.map(
        (r): Recipient => ({
          id: new URL(r.uri),
          inboxId: r.inbox_url ? new URL(r.inbox_url) : null,
          endpoints: r.shared_inbox_url ? { sharedInbox: new URL(r.shared_inbox_url) } : null,
        }),
      );
      return { items, ...cursors };
    })
    .setCounter(
      async (fctx, identifier) => (await visible(fctx.data, identifier))?.followers_count ?? null,
    )
    .setFirstCursor(async (fctx, identifier) =>
      (await visible(fctx.data, identifier)) ? "1" : null,
    )
    .authorize(authorize);

  federation
    .setFollowingDispatcher("/users/{identifier}/following", async (fctx, identifier, cursor) => {
      const account = await visible(fctx.data, identifier);
      if (!account) return null;
      if (account.hide_collections === 1) return { items: [] };
      const { rows, ...cursors } = await followsPage(
        fctx.data,
        "following",
        account.id,
        cursor ?? "1",
      );
      return { items: rows.map((r) => new URL(r.uri)), ...cursors };
    })
    .setCounter(
      async (fctx, identifier) => (await visible(fctx.data, identifier))?.following_count ?? null,
    )
    .setFirstCursor(async (fctx, identifier) =>
      (await visible(fctx.data, identifier)) ? "1" : null,
    )
    .authorize(authorize);

  federation
    .setFeaturedDispatcher("/users/{identifier}/collections/featured", async (fctx, identifier) => {
      const kith = fctx.data;
      const account = await visible(kith, identifier);
      if (!account) return null;
      const pinned = await kith.db.kysely
        .selectFrom("status_pins")
        .innerJoin("statuses", "statuses.id", "status_pins.status_id")
        .selectAll("statuses")
        .where("status_pins.account_id", "=", account.id)
        .where("statuses.account_id", "=", account.id)
        .where(visibleStatusFilter(null))
        .orderBy("status_pins.id", "desc")
        .execute();
      const actor = actorUris(fctx, identifier);
      const sources = await loadNoteSources(kith, pinned);
      return { items: sources.map((s) => toNote(s, actor, kith.config.origin)) };
    })
    .authorize(authorize);
}
