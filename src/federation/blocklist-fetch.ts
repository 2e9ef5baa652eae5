// Fetching a published blocklist for a subscription (domain-block-subscriptions.ts) with the
// bounds of every remote fetch (remote/loader.ts): https only and no private or loopback
// addresses unless in development mode, same-origin redirects, a time and a size limit. The
// last ETag makes the request conditional, so an unchanged list costs one 304.
import type { Context } from "../domain/context.ts";
import type { BlocklistFetcher } from "../domain/moderation/domain-block-subscriptions.ts";
import { KITH_VERSION } from "../version.ts";
import { createBoundedGet } from "./remote/loader.ts";

const MAX_BYTES = 5 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

/** Any text but a web page (lists are served as text/csv, text/plain, or octet-stream). */
const notHtml = (type: string | null) => !/^\s*text\/html/i.test(type ?? "");

export function blocklistFetcher(
  ctx: Context,
  options: { fetch?: typeof fetch } = {},
): BlocklistFetcher {
  const get = createBoundedGet({
    devMode: ctx.config.devMode,
    userAgent: `Kith/${KITH_VERSION} (+${ctx.config.origin})`,
    timeoutMs: TIMEOUT_MS,
    maxBytes: MAX_BYTES,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return async (url, etag) => {
    const answer = await get(
      url,
      "text/csv, text/plain;q=0.9, */*;q=0.1",
      notHtml,
      undefined,
      etag ? { "If-None-Match": etag } : {},
    );
    if (answer.status === 304) return { notModified: true };
    return { notModified: false, text: answer.text, etag: answer.etag };
  };
}
