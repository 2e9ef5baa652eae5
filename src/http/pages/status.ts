// `/@username/:id`: one status with its thread, as an anonymous visitor may see them. A status
// that is missing, hidden from the public (private, direct, a suspended author) or filed under
// another account gets the one 404 page, so the page never tells whether it exists.
import type { Context as HonoContext } from "hono";
import { html } from "hono/html";
import { acct } from "../../domain/accounts/queries.ts";
import type { Context } from "../../domain/context.ts";
import { DomainError } from "../../domain/errors.ts";
import { statusContext } from "../../domain/statuses/context.ts";
import { findVisibleStatus } from "../../domain/statuses/queries.ts";
import { loadStatusViews } from "../../domain/statuses/views.ts";
import { findPublicAccount } from "./profile.ts";
import {
  avatarOf,
  displayName,
  handleOf,
  notFoundPage,
  profilePath,
  publicPage,
  statusCard,
  summary,
} from "./public-parts.ts";
import type { PageEnv } from "./web-session.ts";

const notFoundIsNull = <T>(promise: Promise<T>) =>
  promise.catch((error: unknown) => {
    if (error instanceof DomainError && error.kind === "not_found") return null;
    throw error;
  });

export async function statusPage(
  ctx: Context,
  c: HonoContext<PageEnv>,
  handle: string,
  id: string,
) {
  const { config } = ctx;
  const account = await findPublicAccount(ctx, handle);
  const row = account && (await notFoundIsNull(findVisibleStatus(ctx, null, id)));
  if (!account || !row || row.account_id !== account.id) return notFoundPage(ctx, c);
  const [view] = await loadStatusViews(ctx, null, [row]);
  if (!view) return notFoundPage(ctx, c);
  // A reblog has no page of its own: Mastodon sends visitors to the original.
  if (view.reblog) {
    const original = view.reblog;
    return c.redirect(`${profilePath(original.account)}/${original.row.id}`, 302);
  }
  const thread = await notFoundIsNull(statusContext(ctx, null, row.id));
  const name = `${displayName(account)} (${handleOf(config, account)})`;
  const path = `/@${acct(account)}/${row.id}`;
  const url = account.domain ? (row.url ?? row.uri) : `${config.origin}${path}`;
  const description = row.spoiler_text
    ? `Content warning: ${row.spoiler_text}`
    : summary(row.content) || name;
  const body = html`<section aria-label="Thread">
  ${thread?.ancestors.map((s) => statusCard(config, s)) ?? ""}
  ${statusCard(config, view, { focus: true })}
  ${thread?.descendants.map((s) => statusCard(config, s)) ?? ""}
</section>
<p><a href="${profilePath(account)}">More from ${displayName(account)}</a></p>`;
  return publicPage(ctx, c, {
    title: `${name}: “${summary(row.spoiler_text || row.content, 60)}”`,
    description,
    og: { type: "article", url, image: avatarOf(config, account), title: name, description },
    canonical: url,
    activityUri: row.uri,
    noindex: account.domain !== null || account.indexable !== 1,
    head: html`<meta property="article:published_time" content="${row.created_at}" />
${
  // oEmbed discovery, for this server's statuses (the page shows only public and unlisted ones).
  account.domain === null
    ? html`<link rel="alternate" type="application/json+oembed" href="${config.origin}/api/oembed?url=${encodeURIComponent(url)}" />`
    : ""
}`,
    body,
  });
}
