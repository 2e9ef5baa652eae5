// The instance's texts, each kept by the admin in a file in the data directory and read when it
// changes: the extended description (`extended-description.html`, the about page's long text),
// the privacy policy (`privacy-policy.html`) and the terms of service (`terms-of-service.html`).
// Each is HTML (sanitised to a generous allow-list: headings, lists, links, emphasis) or, when
// it has no tags, plain text whose blank lines separate paragraphs. Without its file the
// description is empty, the privacy policy is Kith's own default (default-privacy-policy.ts)
// and there are no terms of service.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Context } from "./context.ts";
import {
  DEFAULT_PRIVACY_POLICY_UPDATED_AT,
  defaultPrivacyPolicy,
} from "./default-privacy-policy.ts";
import { escapeHtml } from "./statuses/text.ts";

export const EXTENDED_DESCRIPTION_FILE = "extended-description.html";
export const PRIVACY_POLICY_FILE = "privacy-policy.html";
export const TERMS_OF_SERVICE_FILE = "terms-of-service.html";
/** Longer files are cut: this is a page of text, not a place for a book. */
const MAX_BYTES = 256 * 1024;

export interface InstanceText {
  /** The file's modification time; null when there is no text. */
  updatedAt: string | null;
  /** Safe HTML; "" when there is no text. */
  html: string;
}

const EMPTY: InstanceText = { updatedAt: null, html: "" };
const cache = new Map<string, { mtimeMs: number; value: InstanceText }>();

/** The text in `file` of the data directory, or EMPTY when it is missing or blank. */
async function readInstanceText(ctx: Context, file: string): Promise<InstanceText> {
  const path = join(ctx.config.dataDir, file);
  let mtimeMs: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return EMPTY;
    mtimeMs = info.mtimeMs;
  } catch {
    return EMPTY;
  }
  const cached = cache.get(path);
  if (cached?.mtimeMs === mtimeMs) return cached.value;
  const text = (await readFile(path)).subarray(0, MAX_BYTES).toString("utf8").trim();
  const value: InstanceText = text
    ? { updatedAt: new Date(mtimeMs).toISOString(), html: await toHtml(text) }
    : EMPTY;
  cache.set(path, { mtimeMs, value });
  return value;
}

export function extendedDescription(ctx: Context): Promise<InstanceText> {
  return readInstanceText(ctx, EXTENDED_DESCRIPTION_FILE);
}

/** The admin's privacy policy, else Kith's default, which says what Kith itself keeps. */
export async function privacyPolicy(ctx: Context): Promise<{ updatedAt: string; html: string }> {
  const own = await readInstanceText(ctx, PRIVACY_POLICY_FILE);
  if (own.updatedAt) return { updatedAt: own.updatedAt, html: own.html };
  return {
    updatedAt: DEFAULT_PRIVACY_POLICY_UPDATED_AT,
    html: defaultPrivacyPolicy(new URL(ctx.config.origin).host),
  };
}

/** The terms of service, in effect from the day their file was last changed; null without. */
export async function termsOfService(
  ctx: Context,
): Promise<{ effectiveDate: string; html: string } | null> {
  const own = await readInstanceText(ctx, TERMS_OF_SERVICE_FILE);
  return own.updatedAt ? { effectiveDate: own.updatedAt.slice(0, 10), html: own.html } : null;
}

/** Text counts as HTML when it has a common block or inline tag; otherwise it is plain text. */
const LOOKS_LIKE_HTML =
  /<(?:!--|\/?(?:p|h[1-6]|a|br|hr|ul|ol|li|dl|dt|dd|div|span|strong|b|em|i|u|blockquote|pre|code|small|section|article)\b[^>]*>)/i;

async function toHtml(text: string): Promise<string> {
  if (!LOOKS_LIKE_HTML.test(text)) {
    return text
      .split(/\n\s*\n/)
      .map((p) => `<p>${escapeHtml(p.trim()).replace(/\n/g, "<br>")}</p>`)
      .join("\n");
  }
  const { default: sanitizeHtml } = await import("sanitize-html");
  return sanitizeHtml(text, {
    allowedTags: [
      ...["h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "span", "a", "blockquote"],
      ...["ul", "ol", "li", "dl", "dt", "dd", "strong", "b", "em", "i", "u", "del", "s"],
      ...["code", "pre", "small", "sub", "sup", "abbr"],
    ],
    allowedAttributes: { a: ["href", "title", "rel"], abbr: ["title"], ol: ["start", "reversed"] },
    allowedSchemes: ["http", "https", "mailto", "xmpp", "gemini"],
    allowProtocolRelative: false,
    disallowedTagsMode: "discard",
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: "noopener" } }),
    },
  });
}
