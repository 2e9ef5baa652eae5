// ActivityPub → Kith, in one place: what a remote note (or article, page, video, question…)
// and a remote actor mean in Kith's terms, bounded in size and with HTML sanitised. Nothing
// here fetches: async getters run with a loader that refuses, so only embedded values count.
import { type DocumentLoader, exportSpki } from "@fedify/fedify";
import {
  type Actor,
  type Object as APObject,
  Application,
  Article,
  Audio,
  ChatMessage,
  Document,
  Event,
  Group,
  Hashtag,
  Image,
  Link,
  Mention,
  Note,
  Organization,
  Page,
  Person,
  PropertyValue,
  Question,
  Service,
  Video,
} from "@fedify/vocab";
import type { RemoteAccountInput } from "../../domain/accounts/remote.ts";
import { sanitizeRemoteHtml } from "../../domain/statuses/sanitize.ts";
import type { Audience } from "./addressing.ts";
import { rawJsonOf } from "./raw-json.ts";

/** Mastodon keeps four media attachments of a remote status. */
const MAX_MEDIA = 4;

export const LIMITS = {
  contentChars: 100_000,
  spoilerChars: 1_500,
  nameChars: 500,
  tags: 64,
  mentions: 64,
  attachments: 8,
  mediaDescriptionChars: 1_500,
  pollOptions: 32,
  pollOptionChars: 200,
  fields: 16,
  fieldChars: 2_000,
  displayNameChars: 200,
  usernameChars: 200,
  noteChars: 20_000,
};

/** Strips NUL (PostgreSQL text cannot hold it) and cuts to `max` UTF-16 units. */
export function clean(value: unknown, max: number): string {
  const text = typeof value === "string" || value instanceof String ? String(value) : "";
  const stripped = text.replaceAll("\u0000", "");
  if (stripped.length <= max) return stripped;
  const end = /[\uD800-\uDBFF]/.test(stripped[max - 1] ?? "") ? max - 1 : max;
  return stripped.slice(0, end);
}

const escapeHtml = (s: string) =>
  s
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");

const httpUrl = (u: URL | null | undefined): string | null =>
  u && (u.protocol === "https:" || u.protocol === "http:") ? u.href : null;

const refuse: DocumentLoader = async (url) => {
  throw new Error(`not fetched while converting: ${url}`);
};

/** What conversion needs from Fedify: the context loader for embedded JSON-LD. */
export interface ConvertOptions {
  contextLoader: DocumentLoader;
}

const opts = (o: ConvertOptions) => ({
  documentLoader: refuse,
  contextLoader: o.contextLoader,
  suppressError: true,
  crossOrigin: "trust" as const,
});

export type NoteKind = "note" | "converted" | "poll-vote" | "chat" | "unsupported";

export function noteKind(object: APObject): NoteKind {
  if (object instanceof ChatMessage) return "chat";
  if (object instanceof Note) {
    // A vote: a name (the option) in reply to a poll, and no content (Mastodon, GoToSocial).
    const voted = object.name !== null && object.replyTargetId !== null && !object.content;
    return voted ? "poll-vote" : "note";
  }
  if (object instanceof Question) return "note";
  if (
    object instanceof Article ||
    object instanceof Page ||
    object instanceof Event ||
    object instanceof Document || // Video, Audio, Image are Documents
    object instanceof Audio
  )
    return "converted";
  return "unsupported";
}

export interface IncomingNote {
  uri: string;
  url: string | null;
  attributedTo: string | null;
  inReplyTo: string | null;
  content: string;
  spoilerText: string;
  sensitive: boolean;
  language: string | null;
  published: string | null;
  updated: string | null;
  audience: Audience;
  /** hrefs of Mention tags */
  mentions: string[];
  hashtags: string[];
  /** a Question's poll */
  poll: IncomingPoll | null;
  /** image, video and audio attachments, in order (others are links in the content) */
  attachments: IncomingAttachment[];
}

/** An attachment of a remote note, as Mastodon reads one (ActivityPub::Activity::Create). */
export interface IncomingAttachment {
  url: string;
  mediaType: string | null;
  /** image, video or audio from the ActivityStreams type when there is no media type */
  kind: "image" | "video" | "audio" | null;
  description: string | null;
  blurhash: string | null;
  focus: { x: number; y: number } | null;
  width: number | null;
  height: number | null;
}

const BLURHASH_RE = /^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,100}$/;
const MEDIA_TYPE_RE = /^(image|video|audio)\/[a-z0-9.+-]{1,100}$/i;

// A term as the sender wrote it, or as Fedify re-compacted a signed activity (full IRI).
const term = (item: Record<string, unknown>, name: string) =>
  item[name] ?? item[`toot:${name}`] ?? item[`http://joinmastodon.org/ns#${name}`];

/** blurhash and focalPoint of the attachment with this url, from the JSON as received. */
function mastodonExtras(raw: Record<string, unknown> | null, href: string) {
  const list = raw?.attachment;
  const items = (Array.isArray(list) ? list : [list]).filter(
    (a): a is Record<string, unknown> => typeof a === "object" && a !== null,
  );
  const item = items.find((a) => {
    const first = Array.isArray(a.url) ? a.url[0] : a.url;
    const value = typeof first === "object" && first ? (first as { href?: unknown }).href : first;
    return value === href;
  });
  const hash = item ? term(item, "blurhash") : null;
  const blurhash = typeof hash === "string" && BLURHASH_RE.test(hash) ? hash : null;
  const rawPoint = item ? term(item, "focalPoint") : null;
  const point = Array.isArray(rawPoint)
    ? rawPoint
    : Array.isArray((rawPoint as { "@list"?: unknown })?.["@list"])
      ? (rawPoint as { "@list": unknown[] })["@list"]
      : null;
  const [x, y] = (point ?? []).map(Number);
  const focus =
    point?.length === 2 &&
    x !== undefined &&
    y !== undefined &&
    Math.abs(x) <= 1 &&
    Math.abs(y) <= 1
      ? { x, y }
      : null;
  return { blurhash, focus };
}

const dimension = (n: number | null | undefined) =>
  typeof n === "number" && Number.isInteger(n) && n > 0 && n < 100_000 ? n : null;

function pickText(values: readonly unknown[]): { text: string; language: string | null } {
  const first = values.find((v) => v !== null && v !== undefined && String(v) !== "");
  if (first === undefined) return { text: "", language: null };
  const withLocale = values.find((v) => (v as { locale?: Intl.Locale })?.locale);
  const locale = (withLocale as { locale?: Intl.Locale } | undefined)?.locale?.language ?? null;
  return { text: String(first), language: locale && /^[a-z]{2,3}$/.test(locale) ? locale : null };
}

/** The page to link to: a text/html Link if there is one, else the first plain URL. */
function pageUrl(object: APObject): string | null {
  const links = object.urls.map((u) => (u instanceof URL ? { href: u, type: null } : u));
  const html = links.find((l) => l instanceof Link && /text\/html/.test(l.mediaType ?? ""));
  if (html instanceof Link) return httpUrl(html.href);
  for (const l of links) {
    if (l instanceof Link) {
      if (!l.mediaType) return httpUrl(l.href);
    } else return httpUrl(l.href);
  }
  return null;
}

/** Media attachments (at most Mastodon's four), and links in HTML for everything else. */
async function readAttachments(
  object: APObject,
  o: ConvertOptions,
): Promise<{ links: string; media: IncomingAttachment[] }> {
  const parts: string[] = [];
  const media: IncomingAttachment[] = [];
  const raw = rawJsonOf(object);
  for await (const item of object.getAttachments(opts(o))) {
    if (parts.length + media.length >= LIMITS.attachments) break;
    let href: string | null = null;
    let label = "";
    if (item instanceof Link) href = httpUrl(item.href);
    else if (item instanceof PropertyValue) continue;
    else {
      const url = item.url;
      href = httpUrl(url instanceof URL ? url : url instanceof Link ? url.href : null);
      label = clean(item.name, 200);
      const kind =
        item instanceof Image
          ? "image"
          : item instanceof Video
            ? "video"
            : item instanceof Audio
              ? "audio"
              : null;
      const mediaType = MEDIA_TYPE_RE.test(item.mediaType ?? "") ? item.mediaType : null;
      if (href && (kind || mediaType) && media.length < MAX_MEDIA) {
        media.push({
          url: href,
          mediaType,
          kind,
          description: clean(item.name, LIMITS.mediaDescriptionChars).trim() || null,
          ...mastodonExtras(raw, href),
          width: item instanceof Document ? dimension(item.width) : null,
          height: item instanceof Document ? dimension(item.height) : null,
        });
        continue;
      }
    }
    if (!href) continue;
    const text = label || new URL(href).pathname.split("/").pop() || href;
    parts.push(`<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`);
  }
  return { links: parts.length > 0 ? `<p>${parts.join("<br>")}</p>` : "", media };
}

/** A remote poll: option titles with their tallies, and when it ends. */
export interface IncomingPoll {
  options: string[];
  tallies: number[];
  multiple: boolean;
  /** null: it never ends (Misskey) */
  expiresAt: string | null;
  votersCount: number | null;
}

const MAX_TALLY = 1_000_000_000;
const tally = (n: number | null | undefined) =>
  typeof n === "number" && Number.isFinite(n) ? Math.min(Math.max(Math.floor(n), 0), MAX_TALLY) : 0;

/**
 * The poll of a Question (`oneOf` or `anyOf`, each option a Note named after it with its tally
 * as `replies.totalItems`), or null when it offers no options. A `closed` time before
 * `endTime` (or `closed: true`) ends it then.
 */
export async function readPoll(
  question: Question,
  o: ConvertOptions,
): Promise<IncomingPoll | null> {
  const options: string[] = [];
  const tallies: number[] = [];
  let multiple = false;
  for (const [inclusive, list] of [
    [false, question.getExclusiveOptions(opts(o))],
    [true, question.getInclusiveOptions(opts(o))],
  ] as const) {
    for await (const option of list) {
      if (options.length >= LIMITS.pollOptions) break;
      const name = clean(option.name, LIMITS.pollOptionChars).trim();
      if (!name) continue;
      const replies = await option.getReplies(opts(o)).catch(() => null);
      options.push(name);
      tallies.push(tally(replies?.totalItems));
      multiple ||= inclusive;
    }
  }
  if (options.length === 0) return null;
  const ends = question.endTime ? Date.parse(question.endTime.toString()) : null;
  const closed = question.closed;
  const closedAt =
    closed instanceof Object && "epochMilliseconds" in closed
      ? closed.epochMilliseconds
      : closed === true
        ? Date.now()
        : null;
  const end = [ends, closedAt].filter((t): t is number => t !== null && Number.isFinite(t));
  return {
    options,
    tallies,
    multiple,
    expiresAt: end.length > 0 ? new Date(Math.min(...end)).toISOString() : null,
    votersCount: question.voters === null ? null : tally(question.voters),
  };
}

/** A note-like object in Kith's terms. The caller checks ids and origins first. */
export async function readNote(object: APObject, o: ConvertOptions): Promise<IncomingNote> {
  const kind = noteKind(object);
  const { text, language } = pickText(object.contents);
  let html = clean(text, LIMITS.contentChars);
  if (kind === "converted") {
    // Mastodon shows converted types by their title and a link to the original page.
    const title = clean(object.name, LIMITS.nameChars);
    const link = pageUrl(object) ?? object.id?.href ?? "";
    html = `${title ? `<p><strong>${escapeHtml(title)}</strong></p>` : ""}${html}${link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` : ""}`;
  }
  const attachments = await readAttachments(object, o);
  html += attachments.links;
  const mentions: string[] = [];
  const hashtags: string[] = [];
  for await (const tag of object.getTags(opts(o))) {
    if (tag instanceof Mention) {
      const href = httpUrl(tag.href);
      if (href && mentions.length < LIMITS.mentions && !mentions.includes(href))
        mentions.push(href);
    } else if (tag instanceof Hashtag) {
      const name = clean(tag.name, 200).replace(/^#/, "").trim();
      if (/^[\p{L}\p{M}\p{N}_]+$/u.test(name) && hashtags.length < LIMITS.tags) hashtags.push(name);
    }
  }
  const summary = pickText(object.summaries).text;
  return {
    uri: object.id!.href,
    url: pageUrl(object),
    attributedTo: object.attributionIds[0]?.href ?? null,
    inReplyTo: object.replyTargetId?.href ?? null,
    content: await sanitizeRemoteHtml(html, { maxLength: LIMITS.contentChars }),
    spoilerText: clean(plainText(summary), LIMITS.spoilerChars).trim(),
    sensitive: object.sensitive === true,
    language,
    // Through epoch milliseconds: the polyfill's Instant#toString costs more than the rest.
    published: object.published ? new Date(object.published.epochMilliseconds).toISOString() : null,
    updated: object.updated?.toString() ?? null,
    audience: audienceOf(object),
    mentions,
    hashtags,
    poll: object instanceof Question ? await readPoll(object, o) : null,
    attachments: attachments.media,
  };
}

/** Content warnings are plain text; some servers send HTML. */
function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

/** to, cc and the rest of an object's or activity's addressing, as href strings. */
export function audienceOf(object: APObject): Audience {
  const hrefs = (ids: URL[]) => ids.map((u) => u.href);
  return {
    to: hrefs(object.toIds),
    cc: hrefs(object.ccIds),
    other: [...hrefs(object.btoIds), ...hrefs(object.bccIds), ...hrefs(object.audienceIds)],
  };
}

/** The text of an EmojiReact (or Misskey reaction): one emoji, or one `:shortcode:`. */
export function isSingleEmoji(content: string, emojiNames: readonly string[]): boolean {
  const text = content.trim();
  if (/^:[\w+-]+:$/.test(text)) return emojiNames.includes(text);
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text)];
  if (graphemes.length !== 1) return false;
  return /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u.test(text);
}

/** An RSA or Ed25519 public key as SPKI PEM, for storing with the account. */
export async function keyPem(key: CryptoKey | null): Promise<string | null> {
  if (!key) return null;
  try {
    return await exportSpki(key);
  } catch {
    return null;
  }
}

const ACTOR_TYPES: [new (...args: never[]) => Actor, string][] = [
  [Person, "Person"],
  [Service, "Service"],
  [Application, "Application"],
  [Group, "Group"],
  [Organization, "Organization"],
];

async function imageUrl(image: Promise<Image | null>): Promise<string | null> {
  const found = await image.catch(() => null);
  const url = found?.url;
  return httpUrl(url instanceof URL ? url : url instanceof Link ? url.href : null);
}

/**
 * A remote actor in Kith's terms, or a string saying why it is not usable as one. `raw` is the
 * fetched JSON, for extensions Fedify does not model (Misskey's top-level sharedInbox).
 */
export async function readActor(
  actor: Actor,
  raw: Record<string, unknown>,
  o: ConvertOptions,
): Promise<RemoteAccountInput | string> {
  const id = actor.id;
  if (!id) return "the actor has no id";
  const inbox = httpUrl(actor.inboxId);
  if (!inbox) return "the actor has no usable inbox";
  const username = clean(actor.preferredUsername, LIMITS.usernameChars).trim();
  if (!username || /[\s@/]/.test(username)) return "the actor has no usable preferredUsername";
  const fields: { name: string; value: string }[] = [];
  for await (const item of actor.getAttachments(opts(o))) {
    if (!(item instanceof PropertyValue) || fields.length >= LIMITS.fields) continue;
    fields.push({
      name: clean(item.name, 255),
      value: await sanitizeRemoteHtml(clean(item.value, LIMITS.fieldChars)),
    });
  }
  let publicKeyPem: string | null = null;
  for await (const key of actor.getPublicKeys(opts(o))) {
    if (key.ownerId?.href !== id.href) continue;
    publicKeyPem = await keyPem(key.publicKey);
    if (publicKeyPem) break;
  }
  const topLevelShared = typeof raw.sharedInbox === "string" ? raw.sharedInbox : null;
  const shared =
    actor.endpoints?.sharedInbox ??
    (topLevelShared && URL.canParse(topLevelShared) ? new URL(topLevelShared) : null);
  return {
    uri: id.href,
    username,
    domain: id.host,
    displayName: clean(actor.name, LIMITS.displayNameChars).trim(),
    note: await sanitizeRemoteHtml(clean(actor.summary, LIMITS.noteChars)),
    url: pageUrl(actor) ?? id.href,
    inboxUrl: inbox,
    sharedInboxUrl: httpUrl(shared),
    outboxUrl: httpUrl(actor.outboxId),
    followersUrl: httpUrl(actor.followersId),
    followingUrl: httpUrl(actor.followingId),
    featuredUrl: httpUrl(actor.featuredId),
    avatarUrl: await imageUrl(actor.getIcon(opts(o))),
    headerUrl: await imageUrl(actor.getImage(opts(o))),
    actorType: ACTOR_TYPES.find(([type]) => actor instanceof type)?.[1] ?? "Person",
    locked: actor.manuallyApprovesFollowers === true,
    discoverable: actor.discoverable ?? null,
    indexable: actor.indexable === true,
    memorial: actor.memorial === true,
    suspended: actor.suspended === true,
    fields,
    alsoKnownAs: actor.aliasIds.slice(0, 16).map((u) => u.href),
    publicKeyPem,
    published: actor.published?.toString() ?? null,
  };
}
