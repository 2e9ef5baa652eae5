// STUB (next step of the federation work): each local actor's outbox, followers, following and
// featured collections. They are registered so that Fedify's URI builders work (the actor
// document and WebFinger need them) and answer with true totals but no items, the way Mastodon
// answers for an account that hides its collections.
//
// Before anything is sent to "followers", the followers dispatcher must return every follower
// (id, inbox, shared inbox) when called with a null cursor: as it stands, Fedify would deliver
// to nobody.
import type { Federation } from "@fedify/fedify";
import { findLocalActor } from "../domain/accounts/local-actors.ts";
import type { Context as KithContext } from "../domain/context.ts";

async function visible(kith: KithContext, identifier: string) {
  const found = await findLocalActor(kith, identifier);
  if (!found || found.account.username !== identifier || found.account.suspended_at) return null;
  return found.account;
}

export function registerCollections(federation: Federation<KithContext>): void {
  federation
    .setOutboxDispatcher("/users/{identifier}/outbox", async (fctx, identifier) =>
      (await visible(fctx.data, identifier)) ? { items: [] } : null,
    )
    .setCounter(
      async (fctx, identifier) => (await visible(fctx.data, identifier))?.statuses_count ?? null,
    );
  federation
    .setFollowersDispatcher("/users/{identifier}/followers", async (fctx, identifier) =>
      (await visible(fctx.data, identifier)) ? { items: [] } : null,
    )
    .setCounter(
      async (fctx, identifier) => (await visible(fctx.data, identifier))?.followers_count ?? null,
    );
  federation
    .setFollowingDispatcher("/users/{identifier}/following", async (fctx, identifier) =>
      (await visible(fctx.data, identifier)) ? { items: [] } : null,
    )
    .setCounter(
      async (fctx, identifier) => (await visible(fctx.data, identifier))?.following_count ?? null,
    );
  federation.setFeaturedDispatcher(
    "/users/{identifier}/collections/featured",
    async (fctx, identifier) => ((await visible(fctx.data, identifier)) ? { items: [] } : null),
  );
}
