// `/tags/:tag`: public posts with a hashtag, newest first. Unlisted posts stay off, as on every
// public timeline. A well-formed tag nobody used publicly is an empty page rather than a 404,
// so the page does not tell whether the tag occurs in posts the visitor may not see.
import type { Context as HonoContext } from "hono";
import { html } from "hono/html";
import type { Context } from "../../domain/context.ts";
import { tagTimeline } from "../../domain/timelines/public.ts";
import { notFoundPage, pager, publicPage, readPublicPage, statusCard } from "./public-parts.ts";
import type { PageEnv } from "./web-session.ts";

const MAX_TAG_LENGTH = 100;
/** The characters a hashtag may have (Mastodon's HASHTAG_INVALID_CHARS_RE, inverted). */
const TAG_NAME = /^[\p{Alphabetic}\p{Nd}\u0E47-\u0E4E_\u00B7\u30FB\u200C]+$/u;

export async function tagPage(ctx: Context, c: HonoContext<PageEnv>, tag: string) {
  const { config } = ctx;
  if (tag.length > MAX_TAG_LENGTH || !TAG_NAME.test(tag)) return notFoundPage(ctx, c);
  const name = tag.toLowerCase();
  const page = readPublicPage(c);
  const { statuses, cursors } = await tagTimeline(ctx, null, name, {}, page);
  const path = `/tags/${encodeURIComponent(name)}`;
  const url = `${config.origin}${path}`;
  const body = html`<div class="card">
  <h1>#${name}</h1>
  <p class="muted">Public posts tagged #${name}, on ${config.title} and the servers it knows.</p>
</div>
<section aria-label="Posts">
  ${
    statuses.length > 0
      ? statuses.map((s) => statusCard(config, s))
      : html`<p class="card muted">${page.maxId || page.minId ? "No more posts." : `No public posts with #${name} yet.`}</p>`
  }
</section>
${pager(path, page, cursors)}`;
  return publicPage(ctx, c, {
    title: `#${name}`,
    description: `Public posts tagged #${name} on ${config.title}`,
    og: { type: "website", url, title: `#${name}` },
    canonical: url,
    body,
  });
}
