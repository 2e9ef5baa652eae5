// Keyword filters v2: GET/POST /api/v2/filters, GET/PUT/DELETE /api/v2/filters/:id (with
// nested keywords_attributes[] {id, keyword, whole_word, _destroy}), the keywords and statuses
// sub-resources, and the v1 API (filters-v1.ts) on top of them.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import {
  createFilter,
  deleteFilter,
  type FilterInput,
  getOwnFilter,
  listFilters,
  updateFilter,
} from "../../domain/filters/filters.ts";
import {
  addFilterStatus,
  addKeyword,
  deleteFilterStatus,
  deleteKeyword,
  getOwnFilterStatus,
  getOwnKeyword,
  listFilterStatuses,
  listKeywords,
  updateKeyword,
} from "../../domain/filters/rules.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderFilter, renderFilterKeyword, renderFilterStatus } from "../entities/filter.ts";
import { bodyParams } from "../params.ts";
import { zBool } from "../schemas.ts";

const text = z.preprocess(
  (v) => (typeof v === "number" ? String(v) : v),
  z.string({ error: "must be a string" }).optional(),
);

/** A list (`context[]=a`, `context=a` or a JSON array); absent stays undefined. */
export const zOptionalList = z.preprocess(
  (v) => (v === undefined || v === null ? undefined : Array.isArray(v) ? v : [v]),
  z.array(z.string({ error: "must be a string" })).optional(),
);

/** Seconds; "" or null mean "never" (null), absent means "unchanged" (undefined). */
export const zExpiresIn = z.preprocess(
  (v) => (v === "" || v === null ? null : typeof v === "string" ? Number(v) : v),
  z
    .number({ error: "must be a number of seconds" })
    .int("must be a number of seconds")
    .min(0, "must not be negative")
    .nullable()
    .optional(),
);

const keywordSchema = z.object({ keyword: text, whole_word: zBool });

const keywordAttributes = z.object({
  id: text,
  keyword: text,
  whole_word: zBool,
  _destroy: zBool,
});

const filterSchema = z.object({
  title: text,
  context: zOptionalList,
  filter_action: text,
  expires_in: zExpiresIn,
  // Rails takes `keywords_attributes[][…]` and `keywords_attributes[0][…]` alike.
  keywords_attributes: z.preprocess(
    (v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.values(v) : v),
    z.array(keywordAttributes, { error: "must be a list" }).optional(),
  ),
});

async function readFilter(c: HonoContext): Promise<FilterInput> {
  const p = filterSchema.parse(await bodyParams(c));
  return {
    title: p.title,
    context: p.context,
    action: p.filter_action,
    expiresIn: p.expires_in,
    keywords: p.keywords_attributes?.map((k) => ({
      id: k.id,
      keyword: k.keyword,
      wholeWord: k.whole_word,
      destroy: k._destroy,
    })),
  };
}

async function readKeyword(c: HonoContext) {
  const p = keywordSchema.parse(await bodyParams(c));
  return { keyword: p.keyword, wholeWord: p.whole_word };
}

export function filterRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const READ = "read:filters";
  const WRITE = "write:filters";

  app.get("/api/v2/filters", async (c) => {
    const viewer = requireUser(c, READ);
    return c.json((await listFilters(ctx, viewer)).map(renderFilter));
  });

  app.post("/api/v2/filters", async (c) => {
    const viewer = requireUser(c, WRITE);
    return c.json(renderFilter(await createFilter(ctx, viewer, await readFilter(c))));
  });

  // Keywords and statuses by their own ID come before `:id`, which would take "keywords".
  app.get("/api/v2/filters/keywords/:id", async (c) => {
    const viewer = requireUser(c, READ);
    return c.json(renderFilterKeyword(await getOwnKeyword(ctx, viewer, c.req.param("id"))));
  });

  app.put("/api/v2/filters/keywords/:id", async (c) => {
    const viewer = requireUser(c, WRITE);
    const input = await readKeyword(c);
    return c.json(renderFilterKeyword(await updateKeyword(ctx, viewer, c.req.param("id"), input)));
  });

  app.delete("/api/v2/filters/keywords/:id", async (c) => {
    const viewer = requireUser(c, WRITE);
    await deleteKeyword(ctx, viewer, c.req.param("id"));
    return c.json({});
  });

  app.get("/api/v2/filters/statuses/:id", async (c) => {
    const viewer = requireUser(c, READ);
    return c.json(renderFilterStatus(await getOwnFilterStatus(ctx, viewer, c.req.param("id"))));
  });

  app.delete("/api/v2/filters/statuses/:id", async (c) => {
    const viewer = requireUser(c, WRITE);
    await deleteFilterStatus(ctx, viewer, c.req.param("id"));
    return c.json({});
  });

  app.get("/api/v2/filters/:id", async (c) => {
    const viewer = requireUser(c, READ);
    return c.json(renderFilter(await getOwnFilter(ctx, viewer, c.req.param("id"))));
  });

  app.put("/api/v2/filters/:id", async (c) => {
    const viewer = requireUser(c, WRITE);
    const input = await readFilter(c);
    return c.json(renderFilter(await updateFilter(ctx, viewer, c.req.param("id"), input)));
  });

  app.delete("/api/v2/filters/:id", async (c) => {
    const viewer = requireUser(c, WRITE);
    await deleteFilter(ctx, viewer, c.req.param("id"));
    return c.json({});
  });

  app.get("/api/v2/filters/:filter_id/keywords", async (c) => {
    const viewer = requireUser(c, READ);
    const rows = await listKeywords(ctx, viewer, c.req.param("filter_id"));
    return c.json(rows.map(renderFilterKeyword));
  });

  app.post("/api/v2/filters/:filter_id/keywords", async (c) => {
    const viewer = requireUser(c, WRITE);
    const input = await readKeyword(c);
    const row = await addKeyword(ctx, viewer, c.req.param("filter_id"), input);
    return c.json(renderFilterKeyword(row));
  });

  app.get("/api/v2/filters/:filter_id/statuses", async (c) => {
    const viewer = requireUser(c, READ);
    const rows = await listFilterStatuses(ctx, viewer, c.req.param("filter_id"));
    return c.json(rows.map(renderFilterStatus));
  });

  app.post("/api/v2/filters/:filter_id/statuses", async (c) => {
    const viewer = requireUser(c, WRITE);
    const p = z.object({ status_id: text }).parse(await bodyParams(c));
    const row = await addFilterStatus(ctx, viewer, c.req.param("filter_id"), p.status_id);
    return c.json(renderFilterStatus(row));
  });

  return app;
}
