// The v1 filters API (GET/POST /api/v1/filters, GET/PUT/DELETE /api/v1/filters/:id), which
// Tusky and other older clients still use: one keyword per v1 filter (domain/filters/v1.ts).
// Deprecated since Mastodon 4.0; the Deprecation header says so, as Mastodon 4.4 does.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { Context } from "../../domain/context.ts";
import {
  createV1Filter,
  deleteV1Filter,
  getV1Filter,
  listV1Filters,
  updateV1Filter,
  type V1FilterInput,
} from "../../domain/filters/v1.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderV1Filter } from "../entities/filter.ts";
import { bodyParams } from "../params.ts";
import { zBool } from "../schemas.ts";
import { zExpiresIn, zOptionalList } from "./filters.ts";

// 2022-11-14, when Mastodon 4.0 deprecated it.
const DEPRECATED = "@1668384000";

const v1Schema = z.object({
  phrase: z.preprocess(
    (v) => (typeof v === "number" ? String(v) : v),
    z.string({ error: "must be a string" }).optional(),
  ),
  context: zOptionalList,
  irreversible: zBool,
  whole_word: zBool,
  expires_in: zExpiresIn,
});

async function readV1(c: HonoContext): Promise<V1FilterInput> {
  const p = v1Schema.parse(await bodyParams(c));
  return {
    phrase: p.phrase,
    context: p.context,
    irreversible: p.irreversible,
    wholeWord: p.whole_word,
    expiresIn: p.expires_in,
  };
}

export function filterV1Routes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/api/v1/filters/*", async (c, next) => {
    await next();
    c.header("Deprecation", DEPRECATED);
  });
  app.use("/api/v1/filters", async (c, next) => {
    await next();
    c.header("Deprecation", DEPRECATED);
  });

  app.get("/api/v1/filters", async (c) => {
    const viewer = requireUser(c, "read:filters");
    return c.json((await listV1Filters(ctx, viewer)).map(renderV1Filter));
  });

  app.post("/api/v1/filters", async (c) => {
    const viewer = requireUser(c, "write:filters");
    return c.json(renderV1Filter(await createV1Filter(ctx, viewer, await readV1(c))));
  });

  app.get("/api/v1/filters/:id", async (c) => {
    const viewer = requireUser(c, "read:filters");
    return c.json(renderV1Filter(await getV1Filter(ctx, viewer, c.req.param("id"))));
  });

  app.put("/api/v1/filters/:id", async (c) => {
    const viewer = requireUser(c, "write:filters");
    const input = await readV1(c);
    return c.json(renderV1Filter(await updateV1Filter(ctx, viewer, c.req.param("id"), input)));
  });

  app.delete("/api/v1/filters/:id", async (c) => {
    const viewer = requireUser(c, "write:filters");
    await deleteV1Filter(ctx, viewer, c.req.param("id"));
    return c.json({});
  });

  return app;
}
