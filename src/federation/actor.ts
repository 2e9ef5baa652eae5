// Local accounts as ActivityPub actors at /users/{username} (the identifier is the username,
// as in the URIs stored on each account), with their key pairs and WebFinger handle mapping.
import type { Federation, RequestContext } from "@fedify/fedify";
import {
  Application,
  Endpoints,
  Group,
  Image,
  Person,
  PropertyValue,
  Service,
  Tombstone,
} from "@fedify/vocab";
import {
  findDeletedLocalActor,
  findLocalActor,
  type LocalActor,
} from "../domain/accounts/local-actors.ts";
import type { Context as KithContext } from "../domain/context.ts";
import { blockedFetcher, signedFetcher } from "./authorized-fetch.ts";
import { actorKeyPairs } from "./keys.ts";
import { toInstant } from "./temporal.ts";

export const ACTOR_PATH = "/users/{identifier}";

const IMAGE_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
};

function image(url: string | null, origin: string): Image | null {
  if (!url) return null;
  const href = new URL(url, origin);
  const ext = /\.([a-z0-9]+)$/i.exec(href.pathname)?.[1]?.toLowerCase() ?? "";
  return new Image({ url: href, mediaType: IMAGE_TYPES[ext] ?? null });
}

function jsonList<T>(text: string): T[] {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}

/** Mastodon publishes the day an account was made, not the moment. */
function joinedDay(createdAt: string) {
  return toInstant(`${createdAt.slice(0, 10)}T00:00:00.000Z`);
}

function urlOr(value: string | null, fallback: string): URL {
  return new URL(value ?? fallback);
}

/**
 * The actor document; `minimal` keeps only what a peer needs to check a signature and
 * deliver (authorized fetch for an unsigned request, as Mastodon does).
 */
async function buildActor(
  fctx: RequestContext<KithContext>,
  identifier: string,
  found: LocalActor,
  minimal: boolean,
) {
  const { account } = found;
  const suspended = account.suspended_at !== null;
  const { origin } = fctx.data.config;
  const keys = await fctx.getActorKeyPairs(identifier);
  const keyValues = {
    id: fctx.getActorUri(identifier),
    preferredUsername: account.username,
    url: urlOr(account.url, `${origin}/@${account.username}`),
    inbox: urlOr(account.inbox_url, `${origin}/users/${account.username}/inbox`),
    endpoints: new Endpoints({ sharedInbox: urlOr(account.shared_inbox_url, `${origin}/inbox`) }),
    publicKey: keys[0]?.cryptographicKey ?? null,
    assertionMethods: keys.map((k) => k.multikey),
  };
  // Suspended: the profile is emptied and says so (toot:suspended), as Mastodon's is.
  const values = minimal
    ? keyValues
    : suspended
      ? { ...keyValues, ...suspendedValues(fctx, identifier, account.username) }
      : { ...keyValues, ...(await profileValues(fctx, identifier, found)) };
  switch (account.actor_type) {
    case "Service":
      return new Service(values);
    case "Application":
      return new Application(values);
    case "Group":
      return new Group(values);
    default:
      return new Person(values);
  }
}

/** What a suspended actor still shows: its name and collections, nothing of its profile. */
function suspendedValues(fctx: RequestContext<KithContext>, identifier: string, username: string) {
  return {
    name: username,
    summary: "",
    outbox: fctx.getOutboxUri(identifier),
    followers: fctx.getFollowersUri(identifier),
    following: fctx.getFollowingUri(identifier),
    featured: fctx.getFeaturedUri(identifier),
    manuallyApprovesFollowers: false,
    discoverable: false,
    indexable: false,
    suspended: true,
  };
}

/** Everything of an actor but its keys and inboxes. */
async function profileValues(
  fctx: RequestContext<KithContext>,
  identifier: string,
  { account, movedToUri }: LocalActor,
) {
  const { origin } = fctx.data.config;
  const fields = jsonList<{ name?: unknown; value?: unknown }>(account.fields);
  return {
    name: account.display_name,
    summary: account.note,
    published: joinedDay(account.created_at),
    outbox: fctx.getOutboxUri(identifier),
    followers: fctx.getFollowersUri(identifier),
    following: fctx.getFollowingUri(identifier),
    featured: fctx.getFeaturedUri(identifier),
    manuallyApprovesFollowers: account.locked === 1,
    discoverable: account.discoverable === 1,
    indexable: account.indexable === 1,
    memorial: account.memorial === 1 ? true : null,
    icon: image(account.avatar_url, origin),
    image: image(account.header_url, origin),
    attachments: fields
      .filter((f) => typeof f.name === "string" && typeof f.value === "string")
      .map((f) => new PropertyValue({ name: f.name as string, value: f.value as string })),
    aliases: jsonList<unknown>(account.also_known_as).flatMap((u) =>
      typeof u === "string" && URL.canParse(u) ? [new URL(u)] : [],
    ),
    successor: movedToUri ? new URL(movedToUri) : null,
  };
}

/** The account behind an identifier: the exact username, as the actor's id is built from it. */
async function actorFor(
  kith: KithContext,
  identifier: string,
): Promise<(LocalActor & { deleted: boolean }) | null> {
  const found = await findLocalActor(kith, identifier);
  if (found) return found.account.username === identifier ? { ...found, deleted: false } : null;
  const deleted = await findDeletedLocalActor(kith, identifier);
  return deleted ? { ...deleted, deleted: true } : null;
}

function profileUsername(kith: KithContext, resource: URL): string | null {
  if (resource.origin !== kith.config.origin) return null;
  const match = /^\/@([^/@]+)$/.exec(resource.pathname);
  return match ? decodeURIComponent(match[1]!) : null;
}

export function registerActor(federation: Federation<KithContext>): void {
  federation
    .setActorDispatcher(ACTOR_PATH, async (fctx, identifier) => {
      const found = await actorFor(fctx.data, identifier);
      if (!found) return null;
      // Deleted: gone for other servers (Fedify answers 410), as Mastodon does. A suspended
      // account is still there, emptied and marked suspended, until its data are purged.
      if (found.deleted) return new Tombstone({ id: fctx.getActorUri(identifier) });
      if (!fctx.data.config.authorizedFetch) return buildActor(fctx, identifier, found, false);
      // Authorized fetch: a blocked signer finds nothing; no signature, only keys and inboxes.
      if (await blockedFetcher(fctx, found.account.id)) return null;
      const { signed } = await signedFetcher(fctx);
      return buildActor(fctx, identifier, found, !signed);
    })
    .setKeyPairsDispatcher(async (fctx, identifier) => {
      const found = await actorFor(fctx.data, identifier);
      // A suspended or deleted account keeps its keys: it still signs its own Delete (its
      // actor, a Tombstone, shows none).
      if (!found) return [];
      return actorKeyPairs(fctx.data, found.account.id);
    })
    // acct:ALICE@host finds alice; the identifier is always the stored spelling.
    .mapHandle(async (fctx, username) => {
      const found = await findLocalActor(fctx.data, username);
      if (found) return found.account.username;
      // A deleted account's handle is gone (410), not unknown, as Mastodon answers.
      return (await findDeletedLocalActor(fctx.data, username))?.account.username ?? null;
    })
    // WebFinger for profile URLs (https://host/@alice) as well as actor URIs and acct: handles.
    .mapAlias(async (fctx, resource) => {
      const username = profileUsername(fctx.data, resource);
      if (!username) return null;
      const found = await findLocalActor(fctx.data, username);
      return found ? { identifier: found.account.username } : null;
    });
}
