// A local account following an actor of the fake fediverse, accepted at once: what makes that
// actor's posts "related to local activity" so the inbox stores them.
import type { Context } from "../../src/domain/context.ts";
import type { FakeFediverse } from "./fake-fediverse.ts";

/** Resolves the actor, makes `localAccountId` follow it, and returns the actor's account id. */
export async function followRemoteActor(
  ctx: Context,
  fake: FakeFediverse,
  actorId: string,
  localAccountId: string,
): Promise<string> {
  // Imported when used, as the tests did: Fedify loads only when something needs it.
  const { resolveActor } = await import("../../src/federation/remote/actors.ts");
  const account = await resolveActor(
    { kith: ctx, loader: fake.loader, contextLoader: fake.contextLoader },
    actorId,
  );
  const { follow, authorizeFollowRequest } = await import(
    "../../src/domain/relationships/follow.ts"
  );
  await follow(ctx, localAccountId, account.id);
  await authorizeFollowRequest(ctx, localAccountId, account.id);
  return account.id;
}
