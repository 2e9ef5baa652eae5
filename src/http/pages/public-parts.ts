// Pieces shared by the public pages (about, profile, status, tag): the page frame around A's
// layout (style sheet, ActivityPub alternate link, the visitor's nav), account and status
// cards, the pager and the 404 page. Text is escaped by hono/html; `raw` takes only HTML that
// Kith itself produced or sanitised (status content, profile notes, field values).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Context as HonoContext } from "hono";
import { html, raw } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Config } from "../../config.ts";
import { type AccountRow, acct } from "../../domain/accounts/queries.ts";
import type { Context } from "../../domain/context.ts";
import type { Page } from "../../domain/pagination.ts";
import { isExpired } from "../../domain/polls/store.ts";
import type { PollView } from "../../domain/polls/views.ts";
import { htmlToPlainText } from "../../domain/statuses/sanitize.ts";
import type { StatusView } from "../../domain/statuses/views.ts";
import { type Html, type PageOptions, renderPage } from "./layout.ts";
import { csrfToken, type PageEnv } from "./web-session.ts";

const PAGES_CSS = readFileSync(join(import.meta.dirname, "../../../public/pages.css"), "utf8");

export type PublicOptions = Omit<PageOptions, "viewer" | "csrf"> & {
  /** The ActivityPub URI of what the page shows, for `<link rel="alternate">`. */
  activityUri?: string;
  canonical?: string;
};

/**
 * Renders a public page. What it shows is always what an anonymous visitor may see; only the
 * nav knows a signed-in visitor (the session is read when its cookie is there).
 */
export function publicPage(
  ctx: Context,
  c: HonoContext<PageEnv>,
  o: PublicOptions,
  status: ContentfulStatusCode = 200,
) {
  const viewer = c.get("viewer") ?? null;
  const head = html`<style>${raw(PAGES_CSS)}</style>
${o.canonical ? html`<link rel="canonical" href="${o.canonical}" />` : ""}
${o.activityUri ? html`<link rel="alternate" type="application/activity+json" href="${o.activityUri}" />` : ""}
${o.head ?? ""}`;
  const body = html`${o.body}
<footer class="site">
  <a href="/about">About ${ctx.config.title}</a> · <a href="/privacy-policy">Privacy policy</a> ·
  Powered by
  <a href="${ctx.config.sourceUrl}">Kith</a>, free software (AGPL)
</footer>`;
  return renderPage(
    c,
    ctx.config,
    { ...o, head, body, viewer, csrf: viewer ? csrfToken(ctx, c) : null },
    status,
  );
}

/** The one "not found" page: the same bytes whether a thing is missing or hidden. */
export function notFoundPage(ctx: Context, c: HonoContext<PageEnv>) {
  return publicPage(
    ctx,
    c,
    {
      title: "Not found",
      noindex: true,
      body: html`<div class="card notice">
        <h1>Not found</h1>
        <p>The page you are looking for isn't here.</p>
        <p><a href="/">Go to the home page</a></p>
      </div>`,
    },
    404,
  );
}

export const displayName = (a: AccountRow) => a.display_name.trim() || a.username;
export const handleOf = (config: Config, a: AccountRow) =>
  `@${a.username}@${a.domain ?? config.domain}`;
export const profilePath = (a: AccountRow) => `/@${acct(a)}`;
export const avatarOf = (config: Config, a: AccountRow) =>
  (!a.suspended_at && a.avatar_url) || `${config.origin}/static/avatar.png`;

/** Plain text of some HTML, shortened for a description meta tag. */
export function summary(htmlText: string, max = 200): string {
  const text = htmlToPlainText(htmlText).replace(/\s+/g, " ").trim();
  return [...text].length > max ? `${[...text].slice(0, max - 1).join("")}…` : text;
}

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  dateStyle: "medium",
  timeStyle: "short",
});
export const formatTime = (iso: string) => `${dateFormat.format(new Date(iso))} UTC`;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A poll as an anonymous visitor sees it: options, with their tallies unless hidden. */
function pollList(poll: PollView["poll"]): Html {
  const ended = isExpired(poll);
  const totals = !poll.hideTotals || ended;
  return html`<ul class="poll">
    ${poll.options.map(
      (title, i) =>
        html`<li>${title}${totals ? html` <span class="meta">${plural(poll.tallies[i] ?? 0, "vote", "votes")}</span>` : ""}</li>`,
    )}
  </ul>
  <p class="meta">${ended ? "Poll closed" : poll.expiresAt ? html`Poll ends <time datetime="${poll.expiresAt}">${formatTime(poll.expiresAt)}</time>` : "Poll"}</p>`;
}

/** One status as a card; a reblog shows its original under a "boosted" line. */
export function statusCard(config: Config, view: StatusView, o: { focus?: boolean } = {}): Html {
  const shown = view.reblog ?? view;
  const { row, account } = shown;
  const path = `${profilePath(account)}/${row.id}`;
  const lang = row.language ? html` lang="${row.language}"` : "";
  // A poll stays behind the content warning with the text, as in Mastodon.
  const poll = shown.poll ? pollList(shown.poll.poll) : "";
  const content = html`<div class="content e-content"${lang}>${raw(row.content)}</div>${poll}`;
  return html`<article class="card status h-entry${o.focus ? " focus" : ""}">
  <a href="${profilePath(account)}"><img class="avatar small" src="${avatarOf(config, account)}" alt="" width="46" height="46" /></a>
  <div class="body">
    ${view.reblog ? html`<div class="boost">⟲ <a href="${profilePath(view.account)}">${displayName(view.account)}</a> boosted</div>` : ""}
    <div class="head">
      <a class="name p-author h-card" href="${profilePath(account)}">${displayName(account)}</a>
      <span class="handle">${handleOf(config, account)}</span>
      <a class="meta u-url" href="${path}"><time class="dt-published" datetime="${row.created_at}">${formatTime(row.created_at)}</time></a>
      ${row.visibility === "unlisted" ? html`<span class="badge">unlisted</span>` : ""}
    </div>
    ${
      row.spoiler_text
        ? html`<details><summary>${row.spoiler_text}</summary>${content}</details>`
        : content
    }
    <footer>
      <span>${plural(row.replies_count, "reply", "replies")}</span>
      <span>${plural(row.reblogs_count, "boost", "boosts")}</span>
      <span>${plural(row.favourites_count, "favourite", "favourites")}</span>
      ${row.edited_at ? html`<span>edited</span>` : ""}
    </footer>
  </div>
</article>`;
}

/** "Newer" and "Older" links for a page of statuses ordered newest first. */
export function pager(path: string, page: Page, cursors: string[]): Html | "" {
  const newer =
    (page.maxId || page.minId) && cursors.length > 0
      ? html`<a rel="prev" href="${path}?min_id=${cursors[0]}">← Newer</a>`
      : html`<span></span>`;
  const older =
    cursors.length >= page.limit
      ? html`<a rel="next" href="${path}?max_id=${cursors[cursors.length - 1]}">Older →</a>`
      : "";
  if (!older && !(page.maxId || page.minId)) return "";
  return html`<nav class="pager" aria-label="Pages">${newer}${older}</nav>`;
}

/** Reads ?max_id= / ?min_id= for a page; anything that is not an ID is ignored. */
export function readPublicPage(c: HonoContext, limit = 20): Page {
  const page: Page = { limit };
  const maxId = c.req.query("max_id");
  const minId = c.req.query("min_id");
  if (maxId && /^\d{1,19}$/.test(maxId)) page.maxId = maxId;
  else if (minId && /^\d{1,19}$/.test(minId)) page.minId = minId;
  return page;
}
