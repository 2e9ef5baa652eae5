// HTML from other servers, made safe to store and show: Mastodon 4.5's MASTODON_STRICT
// sanitiser config (shared/reference/mastodon-api.md §1.1), plus HTML → plain text for
// previews. sanitize-html and htmlparser2 are loaded on first use, which makes
// sanitizeRemoteHtml async; htmlToPlainText only needs the entity decoder.
import type { AnyNode, Element } from "domhandler";
import { decodeHTML } from "entities/decode";

/** Longer remote HTML is cut to this many UTF-16 units before it is parsed. */
export const MAX_REMOTE_HTML_LENGTH = 100_000;

export interface SanitizeOptions {
  maxLength?: number;
}

const ALLOWED_TAGS = [
  "p",
  "br",
  "span",
  "a",
  "del",
  "s",
  "pre",
  "blockquote",
  "code",
  "b",
  "strong",
  "u",
  "i",
  "em",
  "ul",
  "ol",
  "li",
  "ruby",
  "rt",
  "rp",
];
const LINK_PROTOCOLS = new Set([
  "http",
  "https",
  "dat",
  "dweb",
  "ipfs",
  "ipns",
  "ssb",
  "gopher",
  "xmpp",
  "magnet",
  "gemini",
]);
/** Microformats, mention/hashtag, link shortening and the 4.5 quote fallback. */
const ALLOWED_CLASSES = [/^(h|p|u|dt|e)-/, /^(mention|hashtag|ellipsis|invisible|quote-inline)$/];
/** Not allowed, and their contents go with them (the sanitize gem's remove_contents). */
const DROPPED_WITH_CONTENTS = [
  "iframe",
  "math",
  "noembed",
  "noframes",
  "noscript",
  "plaintext",
  "script",
  "style",
  "svg",
  "xmp",
  "textarea",
  "option",
  "template",
  "title",
];
/** Block elements that are unwrapped get a space on each side, so words do not run together. */
const SPACED_WHEN_UNWRAPPED = new Set([
  "address",
  "article",
  "aside",
  "dd",
  "div",
  "dl",
  "dt",
  "footer",
  "header",
  "hgroup",
  "hr",
  "nav",
  "section",
]);

type Libraries = Awaited<ReturnType<typeof loadLibraries>>;
let libraries: Promise<Libraries> | undefined;

async function loadLibraries() {
  // One after the other: sanitize-html is CommonJS and require()s the ESM htmlparser2, which
  // Node refuses while a parallel import() of htmlparser2 is still loading.
  const sanitizer = await import("sanitize-html");
  const htmlparser2 = await import("htmlparser2");
  const domhandler = await import("domhandler");
  return {
    sanitizeHtml: sanitizer.default,
    parseDocument: htmlparser2.parseDocument,
    DomUtils: htmlparser2.DomUtils,
    Element: domhandler.Element,
    Text: domhandler.Text,
    isTag: domhandler.isTag,
  };
}

/**
 * Sanitises untrusted HTML (remote statuses, profile notes and fields). Headings become
 * `<p><strong>…</strong></p>`; links whose scheme is not allowed, relative links and anchors
 * without href become their text; links get `rel="nofollow noopener" target="_blank"`.
 */
export async function sanitizeRemoteHtml(
  html: string,
  opts: SanitizeOptions = {},
): Promise<string> {
  const bounded = truncate(html, opts.maxLength ?? MAX_REMOTE_HTML_LENGTH);
  if (bounded.trim() === "") return "";
  libraries ??= loadLibraries();
  const lib = await libraries;

  // Mastodon's transformers change the structure, which sanitize-html cannot do, so they run
  // on a parsed tree first; sanitize-html then applies the allow-list to the result.
  const document = lib.parseDocument(bounded);
  restructure(lib, document.children);
  const restructured = lib.DomUtils.getOuterHTML(document.children);

  return lib.sanitizeHtml(restructured, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      "*": ["lang"],
      a: ["href", "rel", "class", "target", "translate"],
      span: ["class", "translate"],
      p: ["class"],
      ol: ["start", "reversed"],
      li: ["value"],
    },
    allowedClasses: { a: ALLOWED_CLASSES, span: ALLOWED_CLASSES, p: ALLOWED_CLASSES },
    allowedSchemes: [...LINK_PROTOCOLS],
    allowedSchemesByTag: {},
    allowProtocolRelative: false,
    nonTextTags: DROPPED_WITH_CONTENTS,
    disallowedTagsMode: "discard",
    parseStyleAttributes: false,
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...keepTranslateNo(attribs), rel: "nofollow noopener", target: "_blank" },
      }),
      span: (tagName, attribs) => ({ tagName, attribs: keepTranslateNo(attribs) }),
    },
  });
}

/** Mastodon keeps `translate` only as `translate="no"`. */
function keepTranslateNo(attribs: Record<string, string>): Record<string, string> {
  if (attribs.translate === undefined || attribs.translate === "no") return attribs;
  const { translate: _, ...rest } = attribs;
  return rest;
}

function truncate(html: string, max: number): string {
  if (html.length <= max) return html;
  // Do not leave half of a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(html[max - 1] ?? "") ? max - 1 : max;
  return html.slice(0, end);
}

function restructure(lib: Libraries, nodes: AnyNode[]): void {
  const { DomUtils } = lib;
  for (const node of [...nodes]) {
    if (!lib.isTag(node)) continue;
    const name = node.name;
    if (name === "math") {
      const text = mathText(lib, node);
      if (text !== null) DomUtils.replaceElement(node, new lib.Text(text));
      continue;
    }
    if (DROPPED_WITH_CONTENTS.includes(name)) continue;
    if (/^h[1-6]$/.test(name)) {
      node.name = "strong";
      const paragraph = new lib.Element("p", {});
      DomUtils.replaceElement(node, paragraph);
      DomUtils.appendChild(paragraph, node);
    } else if (name === "a" && !isAllowedLink(node.attribs.href)) {
      DomUtils.replaceElement(node, new lib.Text(DomUtils.textContent(node)));
      continue;
    } else if (SPACED_WHEN_UNWRAPPED.has(name)) {
      DomUtils.prepend(node, new lib.Text(" "));
      DomUtils.append(node, new lib.Text(" "));
    }
    restructure(lib, node.children);
  }
}

/** Sanitize::REGEX_PROTOCOL: the scheme is whatever precedes the first `:` before any `/` or `#`. */
function isAllowedLink(href: string | undefined): boolean {
  if (href === undefined) return false;
  const scheme = /^\s*([^/#]*?):/.exec(href)?.[1];
  return scheme !== undefined && LINK_PROTOCOLS.has(scheme.toLowerCase());
}

/**
 * FEP-dc88 maths: `<math><semantics>…<annotation encoding="application/x-tex">` becomes its
 * TeX between dollars; a text/plain annotation becomes its text. Otherwise it is dropped.
 */
function mathText(lib: Libraries, math: Element): string | null {
  const { DomUtils } = lib;
  const semantics = math.children.find((child) => lib.isTag(child));
  if (!semantics || !lib.isTag(semantics) || semantics.name !== "semantics") return null;
  const annotation = (encoding: string) =>
    semantics.children.find(
      (child) =>
        lib.isTag(child) && child.name === "annotation" && child.attribs.encoding === encoding,
    );
  const tex = annotation("application/x-tex");
  if (tex) {
    const dollars = math.attribs.display === "block" ? "$$" : "$";
    return `${dollars}${DomUtils.textContent(tex)}${dollars}`;
  }
  const plain = annotation("text/plain");
  return plain ? DomUtils.textContent(plain) : null;
}

// ---- HTML → plain text ----

const TOKEN =
  /<!--[\s\S]*?(?:-->|$)|<![^>]*>?|<\?[^>]*>?|<(\/?)([a-zA-Z][^\t\n\f\r />]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
/** Their contents are raw text up to the matching end tag. */
const RAW_TEXT = new Set([
  "script",
  "style",
  "xmp",
  "iframe",
  "noembed",
  "noframes",
  "noscript",
  "textarea",
  "title",
]);
const FOREIGN = new Set(["math", "svg"]);

/**
 * Mastodon's PlainTextFormatter: tags stripped, each run of `<br>` and `</p>` ends a line,
 * entities decoded, the contents of script, style, maths and the like dropped, one final
 * newline removed. The result is text, not HTML: escape it before putting it in a page.
 */
export function htmlToPlainText(html: string): string {
  let text = "";
  let last = 0;
  let foreignDepth = 0;
  let previousBreakEnd = -1;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(html); match !== null; match = TOKEN.exec(html)) {
    if (foreignDepth === 0) text += decodeHTML(html.slice(last, match.index));
    last = TOKEN.lastIndex;
    const name = match[2]?.toLowerCase();
    if (name === undefined) continue; // comment, doctype, processing instruction
    const closing = match[1] === "/";
    const selfClosing = (match[3] ?? "").trimEnd().endsWith("/");
    if (FOREIGN.has(name)) {
      if (closing) foreignDepth = Math.max(0, foreignDepth - 1);
      else if (!selfClosing) foreignDepth++;
      continue;
    }
    if (foreignDepth > 0) continue;
    if (!closing && name === "plaintext") return chomp(text);
    if (!closing && RAW_TEXT.has(name)) {
      const end = new RegExp(`</${name}[\\t\\n\\f\\r />]`, "ig");
      end.lastIndex = last;
      const found = end.exec(html);
      if (!found) return chomp(text);
      const close = html.indexOf(">", found.index);
      last = close === -1 ? html.length : close + 1;
      TOKEN.lastIndex = last;
      continue;
    }
    if ((name === "br" && !closing) || (name === "p" && closing)) {
      if (previousBreakEnd !== match.index) text += "\n";
      previousBreakEnd = TOKEN.lastIndex;
    }
  }
  if (foreignDepth === 0) text += decodeHTML(html.slice(last));
  return chomp(text);
}

function chomp(text: string): string {
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}
