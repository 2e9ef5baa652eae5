// Accept and Reject of a Follow that a local account sent. The Follow is matched by the id
// Kith stored with the request, read from `objectId` before anything could refetch it
// (federation.md §12.5), or else by the pair the embedded Follow names; either way only the
// account that was asked may answer.
import { type Accept, Follow, type Reject } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { findAccountByUri } from "../../domain/accounts/remote.ts";
import {
  type FollowRef,
  followAccepted,
  followRejected,
} from "../../domain/relationships/remote.ts";
import { embeddedObject, type InboxEnv, ignored, type Outcome, stored } from "./env.ts";

async function followRef(
  env: InboxEnv,
  activity: Accept | Reject,
  actor: AccountRow,
): Promise<FollowRef | null> {
  const uri = activity.objectId?.href ?? null; // before any getObject()
  const embedded = await embeddedObject(env, activity);
  if (embedded && !(embedded instanceof Follow)) return null; // e.g. GoToSocial's LikeRequest
  let followerId: string | null = null;
  if (embedded instanceof Follow && embedded.objectId?.href === actor.uri && embedded.actorId) {
    const follower = await findAccountByUri(env.kith, embedded.actorId.href);
    if (follower?.domain === null) followerId = follower.id;
  }
  return { uri, followerId, targetId: actor.id };
}

export async function handleAccept(
  env: InboxEnv,
  activity: Accept,
  actor: AccountRow,
): Promise<Outcome> {
  const ref = await followRef(env, activity, actor);
  if (!ref) return ignored("accepts something other than a Follow");
  return (await followAccepted(env.kith, ref))
    ? stored("follow accepted")
    : ignored("no pending follow request matches");
}

export async function handleReject(
  env: InboxEnv,
  activity: Reject,
  actor: AccountRow,
): Promise<Outcome> {
  const ref = await followRef(env, activity, actor);
  if (!ref) return ignored("rejects something other than a Follow");
  return (await followRejected(env.kith, ref))
    ? stored("follow rejected")
    : ignored("no follow or request matches");
}
