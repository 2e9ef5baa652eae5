// Content negotiation between the HTML pages and ActivityPub. The same URLs (/@alice,
// /@alice/123, /users/alice, …) serve people and servers: a request whose Accept header asks
// for ActivityStreams JSON must never get HTML. The pages redirect such requests to the
// canonical ActivityPub URI or pass them on (next()) for the federation routes to answer.
import type { Context as HonoContext } from "hono";

const AP_TYPES = ["application/activity+json", "application/ld+json"];

interface MediaRange {
  type: string;
  q: number;
  profile: string | null;
}

function parseAccept(header: string): MediaRange[] {
  return header.split(",").flatMap((part) => {
    const [type, ...params] = part.split(";").map((s) => s.trim());
    if (!type) return [];
    let q = 1;
    let profile: string | null = null;
    for (const param of params) {
      const eq = param.indexOf("=");
      if (eq < 0) continue;
      const key = param.slice(0, eq).trim().toLowerCase();
      const value = param
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, "$1");
      if (key === "q") q = Number.isFinite(Number(value)) ? Number(value) : 0;
      if (key === "profile") profile = value;
    }
    return [{ type: type.toLowerCase(), q, profile }];
  });
}

/**
 * Does the request ask for ActivityStreams JSON (`application/activity+json`, or
 * `application/ld+json` with or without the ActivityStreams profile) at least as much as for
 * HTML? Browsers never name these types, so any explicit preference for them wins.
 */
export function wantsActivityJson(c: HonoContext): boolean {
  const header = c.req.header("Accept");
  if (!header) return false;
  const ranges = parseAccept(header);
  const best = (match: (r: MediaRange) => boolean) =>
    Math.max(0, ...ranges.filter(match).map((r) => r.q));
  const ap = best((r) => AP_TYPES.includes(r.type));
  if (ap <= 0) return false;
  const htmlQ = best((r) => r.type === "text/html" || r.type === "application/xhtml+xml");
  return ap >= htmlQ;
}

/** The pages differ by Accept, so caches must keep the variants apart. */
export function varyOnAccept(c: HonoContext): void {
  c.header("Vary", "Accept");
}
