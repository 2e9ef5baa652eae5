// Remote statuses: storing a note that arrived (Create) or was fetched (a reply's parent, a
// boosted post), with visibility and recipients worked out from its addressing, and fetching
// missing parents a few levels up.
import { Tombstone } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { RefusedByRule } from "../../domain/rules/enforce-incoming.ts";
import type { StatusRow } from "../../domain/statuses/queries.ts";
import {
  findStatusByUri,
  isTombstoned,
  receiveRemoteStatus,
} from "../../domain/statuses/receive.ts";
import { logger } from "../../logging.ts";
import {
  addressees,
  localUsername,
  sameHost,
  type Visibility,
  visibilityFrom,
} from "../convert/addressing.ts";
import { type IncomingNote, noteKind, readNote } from "../convert/incoming.ts";
import { resolveActor } from "./actors.ts";
import { fetchObject, Refusal, type RemoteEnv } from "./documents.ts";

const log = logger("federation", "remote");

/** How many missing ancestors are fetched above a new reply. */
export const MAX_PARENT_DEPTH = 3;

/** The stored status for a URI (local or remote, by id or URL), or null. */
export async function knownStatus(env: RemoteEnv, uri: string): Promise<StatusRow | null> {
  return findStatusByUri(env.kith, uri);
}

/**
 * A status by URI: stored already, or fetched from its own origin and stored. Null when it is
 * gone (Tombstone, deleted here) or not something Kith shows as a status. Throws Refusal for documents that break the rules.
 */
export async function resolveStatus(
  env: RemoteEnv,
  uri: string,
  depth = 0,
): Promise<StatusRow | null> {
  const known = await knownStatus(env, uri);
  if (known) return known;
  if (new URL(uri).origin === env.kith.config.origin) return null; // ours, and not there
  if (await isTombstoned(env.kith, uri)) return null;
  const { object, json } = await fetchObject(env, uri);
  if (object instanceof Tombstone) return null;
  // Pleroma objects name an `actor` too: it must be of the object's host as well (§6 rule 3).
  const claimed =
    typeof json.actor === "string" ? json.actor : (json.actor as { id?: unknown })?.id;
  if (typeof claimed === "string" && object.id && !sameHost(claimed, object.id))
    throw new Refusal(`${uri}: its actor is on another host`);
  const kind = noteKind(object);
  if (kind !== "note" && kind !== "converted") return null; // not shown as a status
  // The fetched document may be the one named by a URL; its id is what we store.
  const again = object.id && object.id.href !== uri ? await knownStatus(env, object.id.href) : null;
  if (again) return again;
  const note = await readNote(object, env);
  if (!note.attributedTo || !sameHost(note.attributedTo, note.uri))
    throw new Refusal(`${note.uri}: attributed to an actor on another host`);
  const author = await resolveActor(env, note.attributedTo);
  return (await storeNote(env, note, author, { depth })).status;
}

export interface StoreOptions {
  depth?: number;
  /** Do not notify (spam heuristics). */
  quiet?: boolean;
  /** The caller has just looked the note's id up (knownStatus) and found nothing. */
  lookedUp?: boolean;
}

/** Local and known remote accounts among these URIs, one query. */
async function accountsByUri(env: RemoteEnv, uris: readonly string[]) {
  if (uris.length === 0) return [];
  return env.kith.db.kysely
    .selectFrom("accounts")
    .select(["id", "uri", "domain"])
    .where("uri", "in", [...new Set(uris)])
    .execute();
}

/**
 * Visibility from the addressing, who may see the note (status_mentions) and whom to notify.
 * For a private or direct post, exactly the accounts it was sent to may see it: a Mention tag
 * does not let in someone it was not sent to (federation.md §4). Notified: local accounts
 * with a Mention tag; for a direct message, everyone it was sent to (Lemmy's private messages
 * carry no Mention tag, where Mastodon would stay silent).
 */
export async function audienceFor(env: RemoteEnv, note: IncomingNote, author: AccountRow) {
  const followers = author.followers_url ?? `${author.uri}/followers`;
  const visibility = visibilityFrom(note.audience, followers);
  const listed = visibility === "public" || visibility === "unlisted";
  const mentioned = await accountsByUri(env, listed ? note.mentions : addressees(note.audience));
  const notify = mentioned.filter(
    (a) => a.domain === null && (visibility === "direct" || note.mentions.includes(a.uri)),
  );
  return {
    visibility,
    mentionedIds: mentioned.map((a) => a.id),
    notifyIds: notify.map((a) => a.id),
  };
}

/** Stores a note whose author and origin were checked. Idempotent on the note's id. */
export async function storeNote(
  env: RemoteEnv,
  note: IncomingNote,
  author: AccountRow,
  options: StoreOptions = {},
): Promise<{ status: StatusRow; created: boolean; visibility: Visibility }> {
  const depth = options.depth ?? 0;
  let parent: StatusRow | null = null;
  if (note.inReplyTo) {
    parent = await knownStatus(env, note.inReplyTo);
    if (!parent && depth < MAX_PARENT_DEPTH) {
      try {
        parent = await resolveStatus(env, note.inReplyTo, depth + 1);
      } catch (error) {
        // The reply is kept without its parent; the URI still says what it answered.
        log.debug("Parent {uri} not fetched: {error}", {
          uri: note.inReplyTo,
          error: (error as Error).message,
        });
      }
    }
  }
  const { visibility, mentionedIds, notifyIds } = await audienceFor(env, note, author);
  const stored = await receiveRemoteStatus(env.kith, {
    uri: note.uri,
    url: note.url,
    accountId: author.id,
    inReplyTo: parent,
    inReplyToUri: note.inReplyTo,
    content: note.content,
    spoilerText: note.spoilerText,
    sensitive: note.sensitive,
    visibility,
    language: note.language,
    createdAt: note.published ?? new Date().toISOString(),
    mentionedAccountIds: mentionedIds,
    notifyAccountIds: notifyIds,
    tags: note.hashtags,
    quiet: options.quiet ?? false,
    poll: note.poll && { ...note.poll, hideTotals: false },
    media: note.attachments,
    lookedUp: options.lookedUp ?? false,
  }).catch((error) => {
    // An instance rule refused it (and recorded why): refused like any other broken rule.
    if (error instanceof RefusedByRule) throw new Refusal(`rule ${error.ruleId}: ${error.message}`);
    throw error;
  });
  return { ...stored, visibility: stored.status.visibility };
}

/** Local accounts this note is addressed to or mentions (for "is it related to us?"). */
export async function localRecipients(env: RemoteEnv, note: IncomingNote): Promise<string[]> {
  const origin = env.kith.config.origin;
  const uris = [...addressees(note.audience), ...note.mentions].filter(
    (u) => localUsername(u, origin) !== null,
  );
  return (await accountsByUri(env, uris)).filter((a) => a.domain === null).map((a) => a.id);
}
