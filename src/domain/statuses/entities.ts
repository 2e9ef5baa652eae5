// Finding links, mentions and hashtags in the plain text of a status, the way Mastodon 4.5 does
// (its Extractor, Account::MENTION_RE, Tag::HASHTAG_RE), and counting characters as its
// StatusLengthValidator does. Indices are UTF-16 offsets into the text throughout.
import { domainToASCII } from "node:url";
import { find as linkifyFind } from "linkifyjs";

export interface UrlEntity {
  kind: "url";
  url: string;
  start: number;
  end: number;
}
export interface MentionEntity {
  kind: "mention";
  /** As written, e.g. `Alice` */
  username: string;
  /** Lower-case ASCII (punycode) host, or null when the mention names a local account */
  domain: string | null;
  /** The text after `@`, as written: `Alice` or `Alice@Example.com` */
  screenName: string;
  start: number;
  end: number;
}
export interface HashtagEntity {
  kind: "hashtag";
  /** The name as written, without the `#` */
  name: string;
  start: number;
  end: number;
}
export type TextEntity = UrlEntity | MentionEntity | HashtagEntity;

export interface MentionRef {
  username: string;
  domain: string | null;
}

// POSIX classes as Onigmo reads them on Unicode strings.
export const WORD = String.raw`\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\u200C\u200D`; // [[:word:]]
const IS_WORD = new RegExp(`^[${WORD}]$`, "u");
const IS_ALPHA = /^\p{Alphabetic}$/u; // [[:alpha:]]
const HASHTAG_SEPARATORS = new Set(["_", "\u00B7", "\u30FB", "\u200C"]);
const HASHTAG_INVALID_CHARS = /[^\p{Alphabetic}\p{Nd}\u0E47-\u0E4E_\u00B7\u30FB\u200C]/gu;

// Account::USERNAME_RE and MENTION_RE; `[a-z]` is spelt out so that case-insensitive Unicode
// matching cannot let in look-alikes such as U+212A KELVIN SIGN.
const MENTION_RE = new RegExp(
  `(?<![=/${WORD}])@([a-zA-Z0-9_]+(?:[.-]+[a-zA-Z0-9_]+)*(?:@[${WORD}]+(?:[.-]+[${WORD}]+)*)?)`,
  "gu",
);
// twitter-text's end_mention_match: a mention followed by these is not one.
const END_MENTION = new RegExp(
  "^(?:[@＠]|[\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F\\u0253\\u0254\\u0256\\u0257\\u0259\\u025B" +
    "\\u0263\\u0268\\u026F\\u0272\\u0289\\u028B\\u02BB\\u1E00-\\u1EFF]|[\\u0300-\\u036F]|://)",
  "u",
);
const MAX_DOMAIN_LENGTH = 253;

// twitter-text's valid_url_preceding_chars: no link right after these.
const INVALID_BEFORE_URL = /[A-Za-z0-9@＠$#＃]/;
const HTTP_URL = /^https?:\/\/[^/?#]/i;

/** Links with an http(s) scheme; linkifyjs finds them, Mastodon's rules filter them. */
export function extractUrls(text: string): UrlEntity[] {
  if (!/https?:\/\//i.test(text)) return [];
  const found: UrlEntity[] = [];
  for (const link of linkifyFind(text, "url")) {
    if (!HTTP_URL.test(link.value)) continue;
    if (link.start > 0 && INVALID_BEFORE_URL.test(text[link.start - 1] ?? "")) continue;
    // `<`, `>` and `"` never belong to a link (twitter-text leaves them out of paths).
    const cut = link.value.search(/[<>"]/);
    const url = cut === -1 ? link.value : link.value.slice(0, cut);
    if (!HTTP_URL.test(url) || !URL.canParse(url)) continue;
    found.push({ kind: "url", url, start: link.start, end: link.start + url.length });
  }
  return found;
}

export function normalizeMentionDomain(domain: string, localDomain?: string): string | null {
  const lower = domain.toLowerCase();
  const ascii = domainToASCII(lower) || lower;
  if (localDomain && (ascii === localDomain.toLowerCase() || lower === localDomain.toLowerCase())) {
    return null;
  }
  return ascii;
}

export function extractMentionEntities(text: string, localDomain?: string): MentionEntity[] {
  if (!/[@＠]/.test(text)) return [];
  const found: MentionEntity[] = [];
  for (const match of text.matchAll(MENTION_RE)) {
    const screenName = match[1] ?? "";
    const end = match.index + match[0].length;
    if (END_MENTION.test(text.slice(end, end + 3))) continue;
    const at = screenName.indexOf("@");
    const username = at === -1 ? screenName : screenName.slice(0, at);
    const rawDomain = at === -1 ? null : screenName.slice(at + 1);
    if (rawDomain !== null && rawDomain.length > MAX_DOMAIN_LENGTH) continue;
    const domain = rawDomain === null ? null : normalizeMentionDomain(rawDomain, localDomain);
    found.push({ kind: "mention", username, domain, screenName, start: match.index, end });
  }
  return found;
}

/**
 * Tag::HASHTAG_RE, matched by hand so that long runs cannot make the regular expression
 * backtrack: `#` or `＃` at the start or after white space, then either
 * `[[:word:]_][[:word:]SEP]*[[:alpha:]SEP][[:word:]SEP]*[[:word:]_]` or
 * `[[:word:]_]*[[:alpha:]][[:word:]_]*`, where SEP is `_ · ・ ZWNJ`.
 */
export function extractHashtagEntities(text: string): HashtagEntity[] {
  const found: HashtagEntity[] = [];
  const hash = /(?<=^|\p{White_Space})[#＃]/gu;
  for (const match of text.matchAll(hash)) {
    const from = match.index + 1;
    const chars: string[] = [];
    let lastWord = -1; // index in chars of the last [[:word:]] character
    for (let i = from; i < text.length; ) {
      const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
      const word = IS_WORD.test(ch);
      if (!word && !HASHTAG_SEPARATORS.has(ch)) break;
      if (word) lastWord = chars.length;
      chars.push(ch);
      i += ch.length;
    }
    let length = 0; // in chars
    // First alternative: needs a word character first and last, and an alpha or separator
    // strictly between them.
    if (lastWord >= 2 && IS_WORD.test(chars[0] ?? "")) {
      for (let i = 1; i < lastWord; i++) {
        const ch = chars[i] ?? "";
        if (IS_ALPHA.test(ch) || HASHTAG_SEPARATORS.has(ch)) {
          length = lastWord + 1;
          break;
        }
      }
    }
    // Second alternative: the leading run of word characters, if it holds a letter.
    if (length === 0) {
      let run = 0;
      while (run < chars.length && IS_WORD.test(chars[run] ?? "")) run++;
      if (chars.slice(0, run).some((ch) => IS_ALPHA.test(ch))) length = run;
    }
    if (length === 0) continue;
    let name = chars.slice(0, length).join("");
    // `#tagHttps://…`: the scheme belongs to the link, not the tag.
    const end = from + name.length;
    if (text.startsWith("://", end)) {
      const scheme = /^(.+)(https?)$/.exec(name);
      if (scheme?.[1]) name = scheme[1];
    }
    found.push({ kind: "hashtag", name, start: match.index, end: from + name.length });
  }
  return found;
}

/** Keeps the earliest entity where two overlap (twitter-text's remove_overlapping_entities). */
function removeOverlapping<T extends TextEntity>(entities: T[]): T[] {
  const sorted = [...entities].sort((a, b) => a.start - b.start);
  const kept: T[] = [];
  for (const entity of sorted) {
    const previous = kept[kept.length - 1];
    if (previous && previous.end > entity.start) continue;
    kept.push(entity);
  }
  return kept;
}

/** Links, hashtags and mentions in text order, without overlaps (Extractor.extract_entities). */
export function extractEntities(text: string, localDomain?: string): TextEntity[] {
  return removeOverlapping<TextEntity>([
    ...extractUrls(text),
    ...extractHashtagEntities(text),
    ...extractMentionEntities(text, localDomain),
  ]);
}

/**
 * The accounts a text mentions, once each (case-insensitively), in order of first mention.
 * `domain` is null for local accounts: unqualified mentions and those naming `localDomain`.
 */
export function extractMentions(text: string, localDomain?: string): MentionRef[] {
  const seen = new Set<string>();
  const refs: MentionRef[] = [];
  for (const entity of extractEntities(text, localDomain)) {
    if (entity.kind !== "mention") continue;
    const key = mentionKey(entity.username, entity.domain);
    if (seen.has(key)) continue;
    seen.add(key);
    refs.push({ username: entity.username, domain: entity.domain });
  }
  return refs;
}

/** The key under which a resolved mention is looked up: lower-case `username@domain`. */
export function mentionKey(username: string, domain: string | null): string {
  return `${username.toLowerCase()}@${domain?.toLowerCase() ?? ""}`;
}

/**
 * Mastodon's HashtagNormalizer: NFKC, lower case, Latin letters folded to ASCII (Lucene-style,
 * `café` → `cafe`), then only letters, digits and the hashtag separators kept. Two tags with
 * the same normalised name are the same tag.
 */
export function normalizeHashtag(name: string): string {
  const lower = name.normalize("NFKC").toLowerCase();
  let folded = "";
  for (const ch of lower) folded += foldLatin(ch);
  return folded.replace(HASHTAG_INVALID_CHARS, "");
}

const LATIN_WITHOUT_DECOMPOSITION: Record<string, string> = {
  ð: "d",
  đ: "d",
  ħ: "h",
  ı: "i",
  ĸ: "k",
  ŀ: "l",
  ł: "l",
  ŉ: "n",
  ŋ: "n",
  ø: "o",
  ſ: "s",
  ŧ: "t",
};

function foldLatin(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  // Latin-1 Supplement letters and Latin Extended-A, as Mastodon's ASCIIFolding table covers.
  if (code < 0xc0 || code > 0x17f || code === 0xd7 || code === 0xf7) return ch;
  const mapped = LATIN_WITHOUT_DECOMPOSITION[ch];
  if (mapped) return mapped;
  const base = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  return /^[a-z]$/i.test(base) ? base : ch;
}

/** Hashtag names as first written, once per normalised name, in order of first use. */
export function extractHashtags(text: string): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const entity of extractHashtagEntities(text)) {
    const key = normalizeHashtag(entity.name);
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    names.push(entity.name);
  }
  return names;
}

const URL_PLACEHOLDER = "x".repeat(23);
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

export function isBlank(text: string): boolean {
  return /^\p{White_Space}*$/u.test(text);
}

/**
 * The length Mastodon checks against `max_characters` (StatusLengthValidator): the content
 * warning and the text together, every link as 23 characters, `@user@domain` as `@user`,
 * counted in extended grapheme clusters (Ruby's `each_grapheme_cluster.size`, not code points:
 * 👩‍👩‍👧 or é written as e + U+0301 counts 1).
 */
export function countCharacters(text: string, spoilerText = ""): number {
  let countable = "";
  if (!isBlank(text)) {
    const entities = removeOverlapping<TextEntity>([
      ...extractUrls(text),
      ...extractMentionEntities(text),
    ]);
    let last = 0;
    for (const entity of entities) {
      countable += text.slice(last, entity.start);
      countable += entity.kind === "mention" ? `@${entity.username}` : URL_PLACEHOLDER;
      last = entity.end;
    }
    countable += text.slice(last);
  }
  let count = 0;
  for (const _ of graphemes.segment(spoilerText + countable)) count++;
  return count;
}
