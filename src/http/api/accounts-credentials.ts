// GET /api/v1/accounts/verify_credentials and PATCH /api/v1/accounts/update_credentials.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { loadCredentials } from "../../domain/accounts/credentials.ts";
import type { ProfileChanges } from "../../domain/accounts/profile.ts";
import type { Context } from "../../domain/context.ts";
import { DomainError } from "../../domain/errors.ts";
import { type ProfileImage, updateProfileWithImages } from "../../domain/media/avatars.ts";
import type { Viewer } from "../../domain/viewer.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderCredentialAccount } from "../entities/account.ts";
import { bodyParams } from "../params.ts";
import { zBool, zStringList } from "../schemas.ts";
import { fileParam } from "./media.ts";

/** Text parameters: JSON numbers are taken as their text, null as empty. */
const zText = z.preprocess(
  (v) => (v === null ? "" : typeof v === "number" ? String(v) : v),
  z.string({ error: "must be a string" }).optional(),
);

const zField = z.object({ name: zText, value: zText });

const schema = z.object({
  display_name: zText,
  note: zText,
  locked: zBool,
  bot: zBool,
  discoverable: zBool,
  indexable: zBool,
  hide_collections: zBool,
  // Rails forms send `fields_attributes[0][name]` (a hash by index); JSON clients an array.
  fields_attributes: z.union([z.array(zField), z.record(z.string(), zField)]).optional(),
  attribution_domains: zStringList.optional(),
  source: z
    .object({
      privacy: zText,
      sensitive: zBool,
      language: z.preprocess((v) => (v === null ? "" : v), z.string().optional()),
      quote_policy: zText,
    })
    .optional(),
});

/** verify_credentials takes `profile` (4.3) as well as `read:accounts`. */
function requireProfileViewer(c: HonoContext<AppEnv>): Viewer {
  try {
    return requireUser(c, "profile");
  } catch (error) {
    if (error instanceof DomainError && error.kind === "forbidden")
      return requireUser(c, "read:accounts");
    throw error;
  }
}

export function accountCredentialRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/api/v1/accounts/verify_credentials", async (c) => {
    const viewer = requireProfileViewer(c);
    return c.json(renderCredentialAccount(ctx.config, await loadCredentials(ctx, viewer)));
  });

  app.on(["PATCH", "PUT"], "/api/v1/accounts/update_credentials", async (c) => {
    const viewer = requireUser(c, "write:accounts");
    const params = await bodyParams(c);
    const p = schema.parse(params);
    const fields = p.fields_attributes
      ? (Array.isArray(p.fields_attributes)
          ? p.fields_attributes
          : Object.values(p.fields_attributes)
        ).map((f) => ({ name: f.name ?? "", value: f.value ?? "" }))
      : undefined;
    const changes: ProfileChanges = {
      displayName: p.display_name,
      note: p.note,
      fields,
      locked: p.locked,
      bot: p.bot,
      discoverable: p.discoverable,
      indexable: p.indexable,
      hideCollections: p.hide_collections,
      attributionDomains: p.attribution_domains,
      privacy: p.source?.privacy || undefined,
      sensitive: p.source?.sensitive,
      language: p.source?.language,
      quotePolicy: p.source?.quote_policy || undefined,
    };
    const avatar = await fileParam(params, "avatar");
    const header = await fileParam(params, "header");
    await updateProfileWithImages(ctx, viewer, changes, {
      ...(avatar ? { avatar } : {}),
      ...(header ? { header } : {}),
    });
    return c.json(renderCredentialAccount(ctx.config, await loadCredentials(ctx, viewer)));
  });

  // DELETE /api/v1/profile/avatar and /header (Mastodon 4.2): back to the default image.
  app.delete("/api/v1/profile/:image{avatar|header}", async (c) => {
    const viewer = requireUser(c, "write:accounts");
    const which = c.req.param("image") as ProfileImage;
    await updateProfileWithImages(ctx, viewer, {}, { [which]: null });
    return c.json(renderCredentialAccount(ctx.config, await loadCredentials(ctx, viewer)));
  });

  return app;
}
