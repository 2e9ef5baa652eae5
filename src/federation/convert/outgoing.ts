// Kith → ActivityPub, in one place: local statuses as Notes (Questions with a poll) with
// Mastodon's addressing, and
// every activity Kith sends. Pure: callers pass the data (see outbox/status-data.ts) and the
// actor's collection URIs. Activity ids follow Mastodon's, derived from the row behind each
// activity, so a re-sent activity keeps its id and a new one (a new row) never reuses one.

import type { Actor } from "@fedify/vocab";
import {
  Accept,
  Add,
  Announce,
  Block,
  Collection,
  Create,
  Delete,
  Flag,
  Follow,
  Hashtag,
  LanguageString,
  Like,
  Mention,
  Note,
  PUBLIC_COLLECTION,
  Question,
  Reject,
  Remove,
  Tombstone,
  Undo,
  Update,
} from "@fedify/vocab";
import type { Visibility } from "../../db/schema.ts";
import { isExpired, type Poll } from "../../domain/polls/store.ts";
import type { NoteSource } from "../outbox/status-data.ts";
import { toInstant } from "../temporal.ts";
import { attachmentDocument, withMediaExtensions } from "./media.ts";

export interface Addressing {
  tos: URL[];
  ccs: URL[];
}

/** The local actor an object or activity belongs to. */
export interface ActorUris {
  id: URL;
  followers: URL;
}

const url = (value: string) => new URL(value);

/**
 * Mastodon's to/cc for a status (federation.md §4): public → to Public, cc followers;
 * unlisted → to followers, cc Public; private → to followers; direct → to the mentioned. The
 * mentioned are in cc except for direct posts; a reblog adds the original's author first.
 */
export function addressing(
  visibility: Visibility,
  followers: URL,
  mentions: readonly URL[],
  rebloggedAuthor?: URL,
): Addressing {
  if (visibility === "direct") return { tos: [...mentions], ccs: [] };
  const ccs: URL[] = rebloggedAuthor ? [rebloggedAuthor] : [];
  let tos: URL[];
  if (visibility === "public") {
    tos = [PUBLIC_COLLECTION];
    ccs.push(followers);
  } else if (visibility === "unlisted") {
    tos = [followers];
    ccs.push(PUBLIC_COLLECTION);
  } else {
    tos = [followers];
  }
  return { tos, ccs: [...ccs, ...mentions] };
}

export function noteAddressing(source: NoteSource, actor: ActorUris): Addressing {
  const mentions = source.mentions.map((m) => url(m.uri));
  return addressing(source.status.visibility, actor.followers, mentions);
}

/** A status as ActivityPub has it: a Note, or a Question when it has a poll. */
export type StatusObject = Note | Question;

export function toNote(source: NoteSource, actor: ActorUris, origin: string): StatusObject {
  const { status } = source;
  const content = status.content;
  const values = {
    id: url(status.uri),
    attribution: actor.id,
    ...noteAddressing(source, actor),
    contents: status.language ? [content, new LanguageString(content, status.language)] : [content],
    summary: status.spoiler_text || null,
    sensitive: status.sensitive === 1,
    published: toInstant(status.created_at),
    updated: status.edited_at ? toInstant(status.edited_at) : null,
    replyTarget: status.in_reply_to_uri ? url(status.in_reply_to_uri) : null,
    url: status.url ? url(status.url) : null,
    attachments: source.media.map(attachmentDocument),
    tags: [
      ...source.mentions.map((m) => new Mention({ href: url(m.uri), name: `@${m.acct}` })),
      ...source.tags.map(
        (name) =>
          new Hashtag({
            href: new URL(`/tags/${encodeURIComponent(name)}`, origin),
            name: `#${name}`,
          }),
      ),
    ],
  };
  return source.poll
    ? new Question({ ...values, ...questionValues(source.poll) })
    : withMediaExtensions(new Note(values), source.media);
}

/**
 * Mastodon's poll fields: the options as Notes named after them with the tally as
 * `replies.totalItems` (0 while totals are hidden), `oneOf` or `anyOf`, `endTime`, `closed`
 * once ended, and `votersCount`.
 */
function questionValues(poll: Poll) {
  const ended = isExpired(poll);
  const hidden = poll.hideTotals && !ended;
  const options = poll.options.map(
    (name, i) =>
      new Note({
        name,
        replies: new Collection({ totalItems: hidden ? 0 : (poll.tallies[i] ?? 0) }),
      }),
  );
  return {
    ...(poll.multiple ? { inclusiveOptions: options } : { exclusiveOptions: options }),
    endTime: poll.expiresAt ? toInstant(poll.expiresAt) : null,
    closed: ended && poll.expiresAt ? toInstant(poll.expiresAt) : null,
    voters: poll.votersCount ?? 0,
  };
}

export function createActivity(note: StatusObject, source: NoteSource, actor: ActorUris): Create {
  return withMediaExtensions(
    new Create({
      id: url(`${source.status.uri}/activity`),
      actor: actor.id,
      object: note,
      ...noteAddressing(source, actor),
      published: toInstant(source.status.created_at),
    }),
    source.media,
  );
}

export function updateActivity(note: StatusObject, source: NoteSource, actor: ActorUris): Update {
  const edited = source.status.edited_at ?? source.status.updated_at;
  return withMediaExtensions(
    new Update({
      id: url(`${source.status.uri}#updates/${Math.floor(Date.parse(edited) / 1000)}`),
      actor: actor.id,
      object: note,
      ...noteAddressing(source, actor),
      updated: toInstant(edited),
    }),
    source.media,
  );
}

/**
 * Update of a Question whose tallies changed (or that ended), with no `updated`: not an edit, so
 * servers refresh the poll only (Mastodon's UpdatePollSerializer). Each carries its own id.
 */
export function pollUpdateActivity(question: StatusObject, source: NoteSource, actor: ActorUris) {
  // Not the poll's updated_at: the final Update when a poll ends changes no tally.
  return new Update({
    id: url(`${source.status.uri}#updates/poll-${Date.now()}`),
    actor: actor.id,
    object: question,
    ...noteAddressing(source, actor),
  });
}

/** One vote, as Mastodon sends it: a Note named after the option, to the poll's author only. */
export function voteActivity(
  actor: URL,
  vote: { id: string; name: string; createdAt: string },
  poll: { statusUri: string; authorUri: string },
): Create {
  const id = `${actor.href}#votes/${vote.id}`;
  const author = url(poll.authorUri);
  return new Create({
    id: url(`${id}/activity`),
    actor,
    to: author,
    published: toInstant(vote.createdAt),
    object: new Note({
      id: url(id),
      name: vote.name,
      attribution: actor,
      replyTarget: url(poll.statusUri),
      to: author,
    }),
  });
}

/** Delete{Tombstone}, addressed as the status was, so it reaches whoever got it. */
export function deleteActivity(statusUri: string, actor: URL, to: Addressing): Delete {
  return new Delete({
    id: url(`${statusUri}#delete`),
    actor,
    object: new Tombstone({ id: url(statusUri) }),
    ...to,
  });
}

/** The Delete of a whole actor, as Mastodon's DeleteActorSerializer: public, object the actor. */
export function deleteActorActivity(actor: URL): Delete {
  return new Delete({
    id: url(`${actor.href}#delete`),
    actor,
    object: actor,
    to: PUBLIC_COLLECTION,
  });
}

export interface ReblogData {
  id: string;
  uri: string;
  visibility: Visibility;
  created_at: string;
}

export function announceActivity(
  reblog: ReblogData,
  actor: ActorUris,
  original: { uri: string; authorUri: string },
): Announce {
  return new Announce({
    id: url(reblog.uri),
    actor: actor.id,
    object: url(original.uri),
    ...addressing(reblog.visibility, actor.followers, [], url(original.authorUri)),
    published: toInstant(reblog.created_at),
  });
}

/** Undo of an activity, with the same addressing; the id says what it undoes. */
export function undoActivity(
  object: Announce | Like | Follow | Block,
  id: URL,
  actor: URL,
  to: Partial<Addressing> = {},
): Undo {
  return new Undo({ id, actor, object, ...to });
}

export function undoAnnounceId(actor: URL, reblogId: string): URL {
  return url(`${actor.href}#announces/${reblogId}/undo`);
}

export function likeActivity(
  actor: URL,
  favouriteId: string,
  object: { uri: string; authorUri: string },
): Like {
  return new Like({
    id: url(`${actor.href}#likes/${favouriteId}`),
    actor,
    object: url(object.uri),
    to: url(object.authorUri),
  });
}

export function followActivity(followUri: string, actor: URL, object: URL): Follow {
  return new Follow({ id: url(followUri), actor, object });
}

/** Accept or Reject of a remote Follow: the original Follow by its id, as the follower sent it. */
export function answerFollow(
  kind: "accept" | "reject",
  actor: URL,
  follow: { followId: string; followUri: string; followerUri: string },
): Accept | Reject {
  const values = {
    id: url(`${actor.href}#${kind}s/follows/${follow.followId}`),
    actor,
    object: followActivity(follow.followUri, url(follow.followerUri), actor),
    to: url(follow.followerUri),
  };
  return kind === "accept" ? new Accept(values) : new Reject(values);
}

export function blockActivity(
  actor: URL,
  block: { blockId: string; blockUri: string | null },
  object: URL,
): Block {
  return new Block({
    id: url(block.blockUri ?? `${actor.href}#blocks/${block.blockId}`),
    actor,
    object,
    to: object,
  });
}

/** Update{Person} after a profile change (Mastodon: to Public, followers in cc). */
export function updateActorActivity(person: Actor, actor: ActorUris): Update {
  return new Update({
    id: url(`${actor.id.href}#updates/${Date.now()}`),
    actor: actor.id,
    object: person,
    to: PUBLIC_COLLECTION,
    cc: actor.followers,
  });
}

/** Add or Remove of a pinned status to or from the featured collection. */
export function featuredActivity(
  kind: "add" | "remove",
  actor: ActorUris,
  featured: URL,
  statusUri: string,
): Add | Remove {
  const values = {
    id: url(`${actor.id.href}#${kind === "add" ? "pins" : "unpins"}/${crypto.randomUUID()}`),
    actor: actor.id,
    object: url(statusUri),
    target: featured,
    to: actor.followers,
  };
  return kind === "add" ? new Add(values) : new Remove(values);
}

/**
 * A forwarded report, as Mastodon's FlagSerializer: from the server's actor, `object` the
 * reported account then its statuses, `content` the comment. The reporter is not named.
 */
export function flagActivity(
  actor: URL,
  flag: { flagUri: string; comment: string; objectUris: readonly string[] },
): Flag {
  const [account] = flag.objectUris;
  return new Flag({
    id: url(flag.flagUri),
    actor,
    objects: flag.objectUris.map(url),
    content: flag.comment,
    to: account ? url(account) : null,
  });
}
