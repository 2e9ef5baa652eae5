// Update of the actor itself (its profile is refetched from its origin: only the actor may
// update itself) or of one of its statuses (an edit, applied only when `updated` is newer and
// kept in the status's history; a Question's poll is refreshed with or without `updated`, as
// Mastodon does). The embedded object counts only when it is on the actor's host.
import { isActor, type Update } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { refreshRemotePoll } from "../../domain/polls/remote.ts";
import { RefusedByRule } from "../../domain/rules/enforce-incoming.ts";
import { editRemoteStatus } from "../../domain/statuses/receive.ts";
import { sameHost } from "../convert/addressing.ts";
import { noteKind, readNote } from "../convert/incoming.ts";
import { resolveActor } from "../remote/actors.ts";
import { syncFeatured } from "../remote/collections.ts";
import { fetchObject, Refusal } from "../remote/documents.ts";
import { audienceFor, knownStatus } from "../remote/statuses.ts";
import { embeddedObject, type InboxEnv, ignored, type Outcome, stored } from "./env.ts";

export async function handleUpdate(
  env: InboxEnv,
  activity: Update,
  actor: AccountRow,
): Promise<Outcome> {
  const uri = activity.objectId?.href;
  if (!uri) throw new Refusal("an Update without an object");
  if (!sameHost(uri, actor.uri)) throw new Refusal(`the object ${uri} is not on the actor's host`);
  const embedded = await embeddedObject(env, activity);
  if (uri === actor.uri) {
    const account = await resolveActor(env, actor.uri, { refresh: true });
    // Pinned posts change with the profile in Mastodon's eyes; a failure here is no failure.
    const pins = await syncFeatured(env, account).catch(() => null);
    return stored(`profile refreshed${pins === null ? "" : `, ${pins} pinned`}`);
  }
  if (embedded && isActor(embedded)) throw new Refusal("an actor may only update itself");
  const status = await knownStatus(env, uri);
  if (!status) return ignored("an unknown object");
  if (status.account_id !== actor.id) throw new Refusal("only the author may edit a status");
  const object = embedded ?? (await fetchObject(env, uri)).object;
  const kind = noteKind(object);
  if (kind !== "note" && kind !== "converted") return ignored("not a status");
  const note = await readNote(object, env);
  if (note.attributedTo && note.attributedTo !== actor.uri)
    throw new Refusal("the edit is attributed to someone else");
  if (note.poll) await refreshRemotePoll(env.kith, status, { ...note.poll, hideTotals: false });
  // Mastodon (3.5+) takes an Update as an edit only with `updated`.
  if (!note.updated)
    return note.poll ? stored("poll refreshed") : ignored("no `updated` time: not an edit");
  const { mentionedIds, notifyIds } = await audienceFor(env, note, actor);
  const edited = await editRemoteStatus(env.kith, status, {
    content: note.content,
    spoilerText: note.spoilerText,
    sensitive: note.sensitive,
    language: note.language,
    editedAt: note.updated,
    mentionedAccountIds: mentionedIds,
    notifyAccountIds: notifyIds,
    tags: note.hashtags,
    media: note.attachments,
  }).catch((error) => {
    // An instance rule refused the edit (and recorded why); the status stays as it was.
    if (error instanceof RefusedByRule) throw new Refusal(`rule ${error.ruleId}: ${error.message}`);
    throw error;
  });
  if (edited === "stale")
    return ignored(
      note.poll ? "poll refreshed; the edit is not newer" : "not newer than the stored version",
    );
  return edited === "edited" ? stored("status edited") : ignored("the edit changes nothing");
}
