// Announce: a boost of a status, which is fetched from its own origin when not stored here (an
// embedded copy is never trusted: it could say anything in another's name). A Group (Lemmy,
// PeerTube, WordPress blogs) also announces whole activities of its members; the inner
// activity is taken as embedded when it is of the announcer's own host, else fetched by its id
// from its own origin, and then handled as if delivered by its own actor.
import { Activity, type Announce } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { hasLocalFollowersOrRequests } from "../../domain/accounts/remote.ts";
import { receiveReblog } from "../../domain/statuses/remote-interactions.ts";
import { sameHost, visibilityFrom } from "../convert/addressing.ts";
import { audienceOf } from "../convert/incoming.ts";
import { fetchObject, Refusal } from "../remote/documents.ts";
import { knownStatus, resolveStatus } from "../remote/statuses.ts";
import { embeddedObject, type InboxEnv, ignored, type Outcome, stored } from "./env.ts";

/** Handles an inner activity as though delivered by its own actor (set by dispatch.ts). */
export type Relay = (activity: Activity) => Promise<Outcome>;

export async function handleAnnounce(
  env: InboxEnv & { relay?: Relay },
  activity: Announce,
  actor: AccountRow,
): Promise<Outcome> {
  const { kith } = env;
  const uri = activity.objectId?.href;
  if (!uri) throw new Refusal("an Announce without an object");
  const embedded = await embeddedObject(env, activity);
  if (embedded instanceof Activity) {
    if (!env.relay) return ignored("an announced activity inside an announced activity");
    // The announcer's own server vouches for an activity on its host (its signature covers
    // it, federation.md §6 rule 5); one from elsewhere is fetched from its own origin.
    const vouched = sameHost(uri, actor.uri) && embedded.actorId && sameHost(embedded.actorId, uri);
    const inner = vouched ? embedded : (await fetchObject(env, uri)).object;
    if (!(inner instanceof Activity) || !inner.actorId || !sameHost(inner.actorId, uri))
      throw new Refusal("the announced activity is not an activity of its own host");
    return env.relay(inner);
  }
  const id = activity.id?.href;
  // The boost is stored under the Announce's id: one on another host could take the id of a
  // status not yet seen there.
  if (id && !sameHost(id, actor.uri))
    throw new Refusal("the Announce's id is not on its actor's host");
  if (id && (await knownStatus(env, id))) return ignored("already stored");
  // Checked before fetching anything: an unrelated boost costs no request.
  const ours =
    new URL(uri).origin === kith.config.origin || (await knownStatus(env, uri))?.local === 1;
  if (!ours && !(await hasLocalFollowersOrRequests(kith, actor.id)))
    return ignored("not related to any local account");
  const original = await resolveStatus(env, uri);
  if (!original) return ignored("the announced status is gone");
  if (original.reblog_of_id) throw new Refusal("a boost of a boost");
  const followers = actor.followers_url ?? `${actor.uri}/followers`;
  const visibility = visibilityFrom(audienceOf(activity), followers);
  const own = original.account_id === actor.id;
  if (visibility === "direct")
    throw new Refusal("a boost must be public, unlisted or to followers");
  if (original.visibility === "direct" || (original.visibility === "private" && !own))
    throw new Refusal("private and direct posts can only be boosted by their author, to followers");
  const result = await receiveReblog(kith, {
    uri: id ?? `${actor.uri}#announces/${original.id}`,
    accountId: actor.id,
    original,
    visibility: original.visibility === "private" ? "private" : visibility,
    createdAt: activity.published?.toString() ?? new Date().toISOString(),
  });
  return result.created
    ? stored(`boost (${result.status.visibility})`)
    : ignored("boosted already");
}
