// Trends: GET /api/v1/trends (an alias of /trends/tags), /trends/tags, /trends/statuses and
// /trends/links. Kith computes no trends yet, so every list is empty; the paging parameters
// (offset, limit) are still checked and the offset Link header is kept, as clients expect.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import { validation } from "../../domain/errors.ts";
import type { AppEnv } from "../auth.ts";

interface OffsetPage {
  offset: number;
  limit: number;
}

function readOffsetPage(c: HonoContext, limits: { default: number; max: number }): OffsetPage {
  const number = (name: string, fallback: number) => {
    const raw = c.req.query(name);
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0)
      throw validation(`Validation failed: ${name} must be a non-negative integer`);
    return n;
  };
  return {
    offset: number("offset", 0),
    limit: Math.min(Math.max(number("limit", limits.default), 1), limits.max),
  };
}

/** Mastodon's offset links: `next` after a full page, `prev` when there are pages before. */
function setOffsetLinks(c: HonoContext, origin: string, page: OffsetPage, count: number): void {
  const links: string[] = [];
  const link = (offset: number, rel: string) => {
    const url = new URL(c.req.url);
    url.searchParams.set("offset", String(offset));
    links.push(`<${origin}${url.pathname}${url.search}>; rel="${rel}"`);
  };
  if (count === page.limit) link(page.offset + page.limit, "next");
  if (page.offset > page.limit) link(page.offset - page.limit, "prev");
  if (links.length > 0) c.header("Link", links.join(", "));
}

function emptyTrend(ctx: Context, limits: { default: number; max: number }) {
  return (c: HonoContext<AppEnv>) => {
    const page = readOffsetPage(c, limits);
    const items: unknown[] = [];
    setOffsetLinks(c, ctx.config.origin, page, items.length);
    return c.json(items);
  };
}

export function trendsRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const tags = emptyTrend(ctx, { default: 10, max: 20 });
  app.get("/api/v1/trends", tags);
  app.get("/api/v1/trends/tags", tags);
  app.get("/api/v1/trends/statuses", emptyTrend(ctx, { default: 20, max: 40 }));
  app.get("/api/v1/trends/links", emptyTrend(ctx, { default: 10, max: 20 }));
  return app;
}
