// Status text → HTML, as Mastodon 4.5's TextFormatter renders a plain-text post: paragraphs,
// shortened links, h-card mentions and hashtag links, everything else escaped.
// See shared/reference/mastodon-api.md §1.1. Pure: mentions are resolved by the caller first
// (extractMentions → look the accounts up → renderPlainText with a resolver).
import { extractEntities, isBlank, mentionKey, normalizeHashtag } from "./entities.ts";

export {
  countCharacters,
  extractEntities,
  extractHashtags,
  extractMentions,
  type MentionRef,
  mentionKey,
  normalizeHashtag,
} from "./entities.ts";
export { htmlToPlainText, sanitizeRemoteHtml } from "./sanitize.ts";

export interface MentionedAccount {
  id: string;
  username: string;
  /** null for local accounts */
  domain: string | null;
  /** Profile page: the account's `url`, else its `uri` */
  url: string;
}

/** Synchronous lookup of an already-resolved account; null or undefined leaves the text. */
export type MentionResolver = (
  username: string,
  domain: string | null,
) => MentionedAccount | null | undefined;

export interface RenderOptions {
  /** This server's origin, e.g. `https://kith.example`, for hashtag links */
  origin: string;
  /** `@user@localDomain` is a local mention */
  localDomain?: string;
  resolveMention?: MentionResolver;
}

export interface RenderedText {
  html: string;
  /** Ids of the mentioned accounts that were resolved, once each, in order of first mention */
  mentions: string[];
  /** Hashtag names as first written, once per normalised name (see normalizeHashtag) */
  tags: string[];
  /** Linked URLs, once each, in order */
  links: string[];
}

/** A resolver over a Map keyed by mentionKey(username, domain). */
export function resolverFromMap(accounts: ReadonlyMap<string, MentionedAccount>): MentionResolver {
  return (username, domain) => accounts.get(mentionKey(username, domain));
}

/** ERB::Util.html_escape */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}
const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Renders the text of a local status. The caller should have trimmed it (Mastodon strips
 * status text before saving). A blank text renders as the empty string.
 */
export function renderPlainText(text: string, opts: RenderOptions): RenderedText {
  const rendered: RenderedText = { html: "", mentions: [], tags: [], links: [] };
  if (isBlank(text)) return rendered;

  const entities = extractEntities(text, opts.localDomain);
  const accounts = new Map<(typeof entities)[number], MentionedAccount>();
  for (const entity of entities) {
    if (entity.kind !== "mention") continue;
    const account = opts.resolveMention?.(entity.username, entity.domain);
    if (account) accounts.set(entity, account);
  }
  const resolved = [...accounts.values()];
  const tagKeys = new Set<string>();

  let html = "";
  let last = 0;
  for (const entity of entities) {
    html += escapeHtml(text.slice(last, entity.start));
    last = entity.end;
    if (entity.kind === "url") {
      html += linkHtml(entity.url);
      if (!rendered.links.includes(entity.url)) rendered.links.push(entity.url);
    } else if (entity.kind === "hashtag") {
      const href = `${opts.origin}/tags/${encodeURIComponent(entity.name)}`;
      html += `<a href="${escapeHtml(href)}" class="mention hashtag" rel="tag">#<span>${escapeHtml(entity.name)}</span></a>`;
      const key = normalizeHashtag(entity.name);
      if (key !== "" && !tagKeys.has(key)) {
        tagKeys.add(key);
        rendered.tags.push(entity.name);
      }
    } else {
      const account = accounts.get(entity);
      if (!account) {
        html += `@${escapeHtml(entity.screenName)}`;
        continue;
      }
      // Two mentioned accounts share a username: show the domain to tell them apart.
      const ambiguous = resolved.some(
        (other) =>
          other.username.toLowerCase() === account.username.toLowerCase() &&
          (other.domain ?? "").toLowerCase() !== (account.domain ?? "").toLowerCase(),
      );
      const shown =
        ambiguous && account.domain ? `${account.username}@${account.domain}` : account.username;
      html += `<span class="h-card" translate="no"><a href="${escapeHtml(account.url)}" class="u-url mention">@<span>${escapeHtml(shown)}</span></a></span>`;
      if (!rendered.mentions.includes(account.id)) rendered.mentions.push(account.id);
    }
  }
  html += escapeHtml(text.slice(last));

  rendered.html = simpleFormat(html);
  return rendered;
}

const URL_PREFIX = /^(https?:\/\/(www\.)?|xmpp:)/;

/** TextFormatter.shortened_link: scheme (and www.) hidden, then 30 characters shown. */
function linkHtml(url: string): string {
  const prefix = URL_PREFIX.exec(url)?.[0] ?? "";
  const rest = [...url.slice(prefix.length)]; // Ruby counts characters, not UTF-16 units
  let display = rest.join("");
  let suffix = "";
  let cutoff = false;
  // A tail of a single character is shown rather than replaced by an ellipsis.
  if (rest.length > 31) {
    display = rest.slice(0, 30).join("");
    suffix = rest.slice(30).join("");
    cutoff = true;
  }
  return (
    `<a href="${escapeHtml(url)}" target="_blank" rel="nofollow noopener" translate="no">` +
    `<span class="invisible">${escapeHtml(prefix)}</span>` +
    `<span class="${cutoff ? "ellipsis" : ""}">${escapeHtml(display)}</span>` +
    `<span class="invisible">${escapeHtml(suffix)}</span></a>`
  );
}

/**
 * Rails' simple_format followed by Mastodon's `.delete("\n")`: paragraphs split on blank
 * lines, single newlines become `<br />`.
 */
function simpleFormat(html: string): string {
  const paragraphs = html.replace(/\r\n?/g, "\n").split(/\n\n+/);
  // Ruby's String#split drops trailing empty fields but keeps leading ones.
  while (paragraphs.length > 0 && paragraphs[paragraphs.length - 1] === "") paragraphs.pop();
  if (paragraphs.length === 0) return "<p></p>";
  return paragraphs
    .map((paragraph) => `<p>${paragraph.replace(/([^\n]\n)(?=[^\n])/g, "$1<br />")}</p>`)
    .join("")
    .replaceAll("\n", "");
}
