// GET /api/oembed?url=…: oEmbed for this server's public and unlisted statuses, as Mastodon
// answers it (a "rich" type). Kith's pages run no JavaScript, so the HTML is a self-contained
// <blockquote> with the post, its author and a link, not an iframe with a script.
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import { notFound } from "../../domain/errors.ts";
import { embeddableStatus } from "../../domain/statuses/embed.ts";
import { escapeHtml } from "../../domain/statuses/text.ts";
import type { AppEnv } from "../auth.ts";
import { queryParams } from "../params.ts";

const DEFAULT_WIDTH = 400;

/** A positive whole number of pixels from a query parameter, else undefined. */
function pixels(value: unknown): number | undefined {
  const n = typeof value === "string" && /^[0-9]{1,5}$/.test(value) ? Number(value) : Number.NaN;
  return n > 0 ? n : undefined;
}

export function oembedRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/api/oembed", async (c) => {
    const params = queryParams(c);
    const found = typeof params.url === "string" ? await embeddableStatus(ctx, params.url) : null;
    if (!found) throw notFound();
    const { status, account } = found;
    const { origin, domain } = ctx.config;
    const authorUrl = `${origin}/@${account.username}`;
    const statusUrl = `${authorUrl}/${status.id}`;
    const author = account.display_name.trim() || account.username;
    const warning = status.spoiler_text
      ? `<p><strong>${escapeHtml(status.spoiler_text)}</strong></p>`
      : "";
    // status.content is stored sanitised; everything else is escaped here.
    const html =
      `<blockquote class="kith-embed" cite="${escapeHtml(statusUrl)}">${warning}${status.content}` +
      `<p>— ${escapeHtml(author)} (@${escapeHtml(account.username)}@${escapeHtml(domain)}) ` +
      `<a href="${escapeHtml(statusUrl)}">${escapeHtml(status.created_at.slice(0, 10))}</a></p>` +
      "</blockquote>";
    c.header("Cache-Control", "public, max-age=300");
    return c.json({
      type: "rich",
      version: "1.0",
      title: `New status by ${account.username}`,
      author_name: author,
      author_url: authorUrl,
      provider_name: domain,
      provider_url: `${origin}/`,
      cache_age: 86400,
      html,
      width: pixels(params.maxwidth) ?? DEFAULT_WIDTH,
      height: pixels(params.maxheight) ?? null,
    });
  });

  return app;
}
