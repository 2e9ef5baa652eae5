// The instance's extended description (the long text of the about page and of
// GET /api/v1/instance/extended_description). The admin keeps it in a file in the data
// directory, `extended-description.html`, which is read when it changes: HTML (sanitised to a
// generous allow-list: headings, lists, links, emphasis) or, when it has no tags, plain text
// whose blank lines separate paragraphs. Without the file the description is empty.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Context } from "./context.ts";
import { escapeHtml } from "./statuses/text.ts";

export const EXTENDED_DESCRIPTION_FILE = "extended-description.html";
/** Longer files are cut: this is a page of text, not a place for a book. */
const MAX_BYTES = 256 * 1024;

export interface ExtendedDescription {
  /** The file's modification time; null when there is no description. */
  updatedAt: string | null;
  /** Safe HTML; "" when there is no description. */
  html: string;
}

const EMPTY: ExtendedDescription = { updatedAt: null, html: "" };
let cached: { path: string; mtimeMs: number; value: ExtendedDescription } | undefined;

export async function extendedDescription(ctx: Context): Promise<ExtendedDescription> {
  const path = join(ctx.config.dataDir, EXTENDED_DESCRIPTION_FILE);
  let mtimeMs: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return EMPTY;
    mtimeMs = info.mtimeMs;
  } catch {
    return EMPTY;
  }
  if (cached?.path === path && cached.mtimeMs === mtimeMs) return cached.value;
  const text = (await readFile(path)).subarray(0, MAX_BYTES).toString("utf8").trim();
  const value: ExtendedDescription = text
    ? { updatedAt: new Date(mtimeMs).toISOString(), html: await toHtml(text) }
    : EMPTY;
  cached = { path, mtimeMs, value };
  return value;
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
