// Reading Mastodon's paging parameters and writing the Link header clients follow.
import type { Context } from "hono";
import { isId } from "../db/ids.ts";
import { validation } from "../domain/errors.ts";
import type { Page } from "../domain/pagination.ts";

export function readPage(c: Context, limits: { default: number; max: number }): Page {
  const page: Page = { limit: limits.default };
  for (const [param, key] of [
    ["max_id", "maxId"],
    ["since_id", "sinceId"],
    ["min_id", "minId"],
  ] as const) {
    const value = c.req.query(param);
    if (value === undefined || value === "") continue;
    // An ID is digits; anything else cannot match a row, so say so rather than return garbage.
    if (!isId(value)) throw validation(`Validation failed: ${param} is not a valid ID`);
    page[key] = value;
  }
  const limit = c.req.query("limit");
  if (limit !== undefined && limit !== "") {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 0)
      throw validation("Validation failed: limit must be a positive integer");
    page.limit = Math.min(Math.max(n, 1), limits.max);
  }
  return page;
}

/**
 * Sets `Link: <…max_id=X>; rel="next", <…min_id=Y>; rel="prev"`, cursors taken from the first
 * and last items. `next` is left out when the page was not full (there is nothing older).
 */
export function setLinkHeader(c: Context, page: Page, cursors: string[]): void {
  if (cursors.length === 0) return;
  const links: string[] = [];
  const link = (param: "max_id" | "min_id", value: string, rel: string) => {
    const url = new URL(c.req.url);
    for (const p of ["max_id", "min_id", "since_id"]) url.searchParams.delete(p);
    url.searchParams.set(param, value);
    const origin = publicOrigin(c);
    links.push(`<${origin}${url.pathname}${url.search}>; rel="${rel}"`);
  };
  if (cursors.length >= page.limit) link("max_id", cursors[cursors.length - 1]!, "next");
  link("min_id", cursors[0]!, "prev");
  c.header("Link", links.join(", "));
}

let configuredOrigin = "";
/** The app sets this once so Link headers use the public origin even behind a proxy. */
export function setPublicOrigin(origin: string): void {
  configuredOrigin = origin;
}
function publicOrigin(c: Context): string {
  return configuredOrigin || new URL(c.req.url).origin;
}
