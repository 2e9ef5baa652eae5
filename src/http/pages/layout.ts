// The shared frame of every server-rendered page: <head> with title, description and
// OpenGraph tags, a small style sheet, and a nav that signs in, up and out. No JavaScript.
// Everything interpolated through hono/html's `html` is escaped; `raw` is for trusted markup.
import type { Context as HonoContext } from "hono";
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Config } from "../../config.ts";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageOptions {
  /** The page's own title; the instance's title is appended. */
  title: string;
  description?: string;
  /** OpenGraph tags; title, description and url default to the page's. */
  og?: { type?: string; url?: string; image?: string; title?: string; description?: string };
  /** The signed-in user, for the nav. */
  viewer: { username: string } | null;
  /** The CSRF token for the nav's sign-out form (needed when `viewer` is set). */
  csrf: string | null;
  body: Html;
  /** Extra tags for <head>, e.g. <link rel="alternate">. */
  head?: Html;
  /** Keep the page out of search engines (forms, settings). */
  noindex?: boolean;
}

const STYLE = `
:root{color-scheme:light dark;--fg:#1f232b;--bg:#f6f6f9;--card:#fff;--muted:#606984;--accent:#563acc;--err:#c22}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8ef;--bg:#17191f;--card:#21242c;--muted:#9ba1b4;--accent:#a895ff;--err:#f77}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;flex-wrap:wrap;gap:1em;align-items:center;justify-content:space-between;padding:.75em 1.25em;background:var(--card);border-bottom:1px solid #8883}
header .brand{font-weight:700;color:var(--fg);text-decoration:none}nav{display:flex;gap:1em;align-items:center}
nav form{margin:0}a{color:var(--accent)}main{max-width:40em;margin:2em auto;padding:0 1em}
.card{background:var(--card);border:1px solid #8883;border-radius:8px;padding:1.25em 1.5em;margin-bottom:1.5em}
h1{font-size:1.5em;margin-top:0}label{display:block;font-weight:600;margin:.9em 0 .25em}
label.check{font-weight:400;display:flex;gap:.5em;align-items:baseline}
input[type=text],input[type=email],input[type=password],textarea{width:100%;padding:.5em;font:inherit;border:1px solid #8886;border-radius:4px;background:var(--bg);color:var(--fg)}
button{font:inherit;padding:.5em 1.1em;border-radius:4px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
button.secondary,nav button{background:transparent;color:var(--accent)}
.error{color:var(--err)}.muted{color:var(--muted)}.hint{color:var(--muted);font-size:.9em;margin:.2em 0}
code,.token{font-family:ui-monospace,monospace;word-break:break-all}.token{display:block;padding:.75em;background:var(--bg);border-radius:4px}
.actions{display:flex;gap:1em;margin-top:1.25em}ul.scopes{columns:2;padding-left:1.2em}
fieldset{border:1px solid #8884;border-radius:4px}
`;

export function layout(config: Config, o: PageOptions): Html {
  const title = o.title ? `${o.title} - ${config.title}` : config.title;
  const description = o.description ?? config.description;
  const og = o.og ?? {};
  const nav = o.viewer
    ? html`<a href="/settings/applications">@${o.viewer.username}</a>
        <form method="post" action="/auth/sign_out">
          <input type="hidden" name="authenticity_token" value="${o.csrf ?? ""}" />
          <button type="submit">Sign out</button>
        </form>`
    : html`<a href="/auth/sign_in">Sign in</a> <a href="/auth/sign_up">Sign up</a>`;
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>${title}</title>
<meta name="description" content="${description}" />
${o.noindex ? html`<meta name="robots" content="noindex, nofollow" />` : ""}
<meta property="og:site_name" content="${config.title}" />
<meta property="og:type" content="${og.type ?? "website"}" />
<meta property="og:title" content="${og.title ?? title}" />
<meta property="og:description" content="${og.description ?? description}" />
${og.url ? html`<meta property="og:url" content="${og.url}" />` : ""}
${og.image ? html`<meta property="og:image" content="${og.image}" />` : ""}
<style>${raw(STYLE)}</style>
${o.head ?? ""}
</head>
<body>
<header><a class="brand" href="/">${config.title}</a><nav>${nav}</nav></header>
<main>${o.body}</main>
</body>
</html>`;
}

/** Renders a page with headers that keep it out of frames and block scripts altogether. */
export function renderPage(
  c: HonoContext,
  config: Config,
  o: PageOptions,
  status: ContentfulStatusCode = 200,
): Response | Promise<Response> {
  c.header("X-Frame-Options", "DENY");
  c.header(
    "Content-Security-Policy",
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; frame-ancestors 'none'; base-uri 'none'",
  );
  c.header("Referrer-Policy", "same-origin");
  return c.html(layout(config, o), status);
}
