// Create of a Note or Question (a status with a poll), and of an Article, Page, Video,
// Event… shown as a note with a link; a poll vote is counted (vote.ts), never shown. The object must live on
// its actor's host and be attributed to the actor (federation.md §6); an embedded copy is then
// trusted, else it is fetched from there. Stored once per object id, never after a Delete, and
// only when it concerns someone here (Mastodon's "related to local activity"), which includes
// a public post carrying a hashtag someone here follows, and a post of someone asked to be
// followed (it may come before the Accept).
import type { Create } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { hasLocalFollowersOrRequests } from "../../domain/accounts/remote.ts";
import { isTombstoned } from "../../domain/statuses/receive.ts";
import { tagsFollowedHere } from "../../domain/tags/followed.ts";
import { isPublic, sameHost } from "../convert/addressing.ts";
import { noteKind, readNote } from "../convert/incoming.ts";
import { fetchObject, Refusal } from "../remote/documents.ts";
import { knownStatus, localRecipients, storeNote } from "../remote/statuses.ts";
import { embeddedObject, type InboxEnv, ignored, type Outcome, stored } from "./env.ts";
import { handleVote } from "./vote.ts";

/** Unsolicited posts with this many mentions are stored without notifying (mention spam). */
export const SPAM_MENTIONS = 3;

export async function handleCreate(
  env: InboxEnv,
  activity: Create,
  actor: AccountRow,
): Promise<Outcome> {
  const { kith } = env;
  const uri = activity.objectId?.href;
  if (!uri) throw new Refusal("a Create without an object");
  if (!sameHost(uri, actor.uri)) throw new Refusal(`the object ${uri} is not on the actor's host`);
  if (await isTombstoned(kith, uri)) return ignored("the object was deleted already");
  if (await knownStatus(env, uri)) return ignored("already stored");

  const object = (await embeddedObject(env, activity)) ?? (await fetchObject(env, uri)).object;
  if (object.id?.href !== uri) throw new Refusal("the object's id changed on the way");
  const kind = noteKind(object);
  if (kind === "poll-vote") return handleVote(env, object, actor);
  if (kind === "chat") return ignored("chat messages are not supported");
  if (kind === "unsupported") return ignored("an object type Kith does not show");

  const note = await readNote(object, env);
  if (note.attributedTo && note.attributedTo !== actor.uri)
    throw new Refusal(`attributed to ${note.attributedTo}, not to the actor`);

  // Relayed by a Group (Lemmy): following the group is what makes it ours.
  const followed =
    (await hasLocalFollowersOrRequests(kith, actor.id)) ||
    (env.relayedBy !== undefined && (await hasLocalFollowersOrRequests(kith, env.relayedBy.id)));
  const recipients = await localRecipients(env, note);
  const parent = note.inReplyTo ? await knownStatus(env, note.inReplyTo) : null;
  // A public post with a hashtag someone here follows is theirs too (it joins their home).
  const unrelated = !followed && recipients.length === 0 && !parent;
  if (
    unrelated &&
    !(note.audience.to.some(isPublic) && (await tagsFollowedHere(kith, note.hashtags)))
  )
    return ignored("not related to any local account");
  // Someone nobody here follows, mentioning many people: keep it, but notify no one.
  const quiet = !followed && parent?.local !== 1 && note.mentions.length >= SPAM_MENTIONS;
  // `uri` was looked up above (knownStatus), and the object's id is `uri`.
  const result = await storeNote(env, note, actor, { quiet, lookedUp: true });
  if (!result.created) return ignored("already stored");
  return stored(`${result.visibility} status${quiet ? " (quiet: possible mention spam)" : ""}`);
}
