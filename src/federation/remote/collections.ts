// Remote collections: a bounded look at one (its total, and the first items, following `first`
// once), and the featured collection of an account, which becomes its pinned statuses.
import { type Object as APObject, Collection, CollectionPage, Link } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { setRemotePin } from "../../domain/statuses/remote-interactions.ts";
import { logger } from "../../logging.ts";
import { sameHost } from "../convert/addressing.ts";
import { noteKind, readNote } from "../convert/incoming.ts";
import { fetchObject, Refusal, type RemoteEnv } from "./documents.ts";
import { resolveStatus, storeNote } from "./statuses.ts";

const log = logger("federation", "remote");

/** Mastodon pins at most 5; a remote account's featured collection is read that far. */
export const MAX_FEATURED = 5;

export interface CollectionLook {
  total: number | null;
  /** Embedded items (objects) and items given only by id (URLs), in order */
  items: (APObject | URL)[];
}

const noFetch = async (url: string) => {
  throw new Error(`not fetched: ${url}`);
};

async function itemsOf(env: RemoteEnv, page: Collection, max: number) {
  const items: (APObject | URL)[] = [];
  const opts = { documentLoader: noFetch, contextLoader: env.contextLoader, suppressError: true };
  const ids = page.itemIds;
  let i = 0;
  for await (const item of page.getItems({ ...opts, crossOrigin: "trust" })) {
    if (items.length >= max) break;
    items.push(item instanceof Link ? (item.href ?? ids[i]!) : item);
    i++;
  }
  // Items given only by id do not come back from getItems without fetching.
  for (const id of ids) {
    if (items.length >= max) break;
    if (!items.some((it) => (it instanceof URL ? it.href : it.id?.href) === id.href))
      items.push(id);
  }
  return items;
}

/** A collection's total and its first `max` items, with at most one more fetch (`first`). */
export async function lookAtCollection(
  env: RemoteEnv,
  uri: string,
  max = 20,
): Promise<CollectionLook> {
  const { object } = await fetchObject(env, uri);
  if (!(object instanceof Collection)) throw new Refusal(`${uri}: not a collection`);
  let items = await itemsOf(env, object, max);
  if (items.length === 0 && !(object instanceof CollectionPage) && object.firstId) {
    const first = object.firstId.href;
    if (!sameHost(first, uri)) throw new Refusal(`${uri}: its first page is on another host`);
    try {
      const { object: page } = await fetchObject(env, first);
      if (page instanceof Collection) items = await itemsOf(env, page, max);
    } catch (error) {
      log.debug("First page of {uri} not fetched: {error}", {
        uri,
        error: (error as Error).message,
      });
    }
  }
  return { total: object.totalItems, items };
}

async function embeddedNote(env: RemoteEnv, item: APObject, account: AccountRow) {
  const kind = noteKind(item);
  if (kind !== "note" && kind !== "converted") return null;
  const note = await readNote(item, env);
  if (note.attributedTo !== account.uri) return null;
  return (await storeNote(env, note, account)).status;
}

/**
 * Makes the account's pins those of its featured collection: each item must be the account's
 * own status on its own host (fetched from there when not stored). Returns how many are pinned.
 */
export async function syncFeatured(env: RemoteEnv, account: AccountRow): Promise<number> {
  if (!account.featured_url || account.domain === null) return 0;
  const { items } = await lookAtCollection(env, account.featured_url, MAX_FEATURED);
  const pinned: string[] = [];
  for (const item of items) {
    const id = item instanceof URL ? item.href : item.id?.href;
    if (!id || !sameHost(id, account.uri)) continue;
    try {
      // An embedded note came from the account's own host with the collection: no refetch.
      const embedded = item instanceof URL ? null : await embeddedNote(env, item, account);
      const status = embedded ?? (await resolveStatus(env, id));
      if (status && status.account_id === account.id) pinned.push(status.id);
    } catch (error) {
      log.debug("Featured {id} not resolved: {error}", { id, error: (error as Error).message });
    }
  }
  const { kysely } = env.kith.db;
  const current = await kysely
    .selectFrom("status_pins")
    .select("status_id")
    .where("account_id", "=", account.id)
    .execute();
  for (const { status_id } of current)
    if (!pinned.includes(status_id)) await setRemotePin(env.kith, account.id, status_id, false);
  for (const id of pinned) await setRemotePin(env.kith, account.id, id, true);
  return pinned.length;
}
