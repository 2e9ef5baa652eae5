// Following and the social graph around an account: relationships, follow, unfollow,
// remove_from_followers, note, and the followers / following lists.
import { Hono } from "hono";
import { z } from "zod";
import { getVisibleAccount, getVisibleAccounts } from "../../domain/accounts/queries.ts";
import type { Context } from "../../domain/context.ts";
import { validation } from "../../domain/errors.ts";
import { follow, removeFromFollowers, unfollow } from "../../domain/relationships/follow.ts";
import {
  type AccountPage,
  listFollowers,
  listFollowing,
} from "../../domain/relationships/lists.ts";
import { setAccountNote } from "../../domain/relationships/notes.ts";
import { loadRelationship, loadRelationships } from "../../domain/relationships/relationships.ts";
import { normaliseLanguage } from "../../domain/statuses/languages.ts";
import type { Viewer } from "../../domain/viewer.ts";
import { type AppEnv, optionalViewer, requireUser } from "../auth.ts";
import { renderAccount } from "../entities/account.ts";
import { renderRelationship } from "../entities/relationship.ts";
import { readPage, setLinkHeader } from "../pagination.ts";
import { bodyParams, queryParams } from "../params.ts";
import { zBool, zStringList } from "../schemas.ts";

export const ACCOUNT_LIMITS = { default: 40, max: 80 };

const followSchema = z.object({
  reblogs: zBool,
  notify: zBool,
  languages: zStringList.optional(),
});

const noteSchema = z.object({
  comment: z.preprocess((v) => (v === null || v === undefined ? "" : v), z.string()),
});

const relationshipsSchema = z.object({ id: zStringList, with_suspended: zBool });

export function accountRelationshipRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const relationshipWith = async (viewer: Viewer, id: string) =>
    renderRelationship(await loadRelationship(ctx, viewer.accountId, id));

  app.get("/api/v1/accounts/relationships", async (c) => {
    const viewer = requireUser(c, "read:follows");
    const p = relationshipsSchema.parse(queryParams(c));
    const ids = p.id.slice(0, 80);
    // Suspended accounts are left out unless asked for, as Mastodon.
    const known = new Set(
      (await getVisibleAccounts(ctx, ids))
        .filter((a) => p.with_suspended || !a.suspended_at)
        .map((a) => a.id),
    );
    const relationships = await loadRelationships(
      ctx,
      viewer.accountId,
      ids.filter((id) => known.has(id)),
    );
    return c.json(relationships.map(renderRelationship));
  });

  app.post("/api/v1/accounts/:id/follow", async (c) => {
    const viewer = requireUser(c, "write:follows");
    const target = await getVisibleAccount(ctx, c.req.param("id"));
    const p = followSchema.parse(await bodyParams(c));
    let languages: string[] | null | undefined;
    if (p.languages !== undefined) {
      languages = [];
      for (const raw of p.languages.filter((l) => l.trim() !== "")) {
        const code = normaliseLanguage(raw);
        if (!code)
          throw validation(`Validation failed: Languages contains an invalid language: ${raw}`);
        if (!languages.includes(code)) languages.push(code);
      }
    }
    await follow(ctx, viewer.accountId, target.id, {
      reblogs: p.reblogs,
      notify: p.notify,
      languages,
    });
    return c.json(await relationshipWith(viewer, target.id));
  });

  app.post("/api/v1/accounts/:id/unfollow", async (c) => {
    const viewer = requireUser(c, "write:follows");
    const target = await getVisibleAccount(ctx, c.req.param("id"));
    await unfollow(ctx, viewer.accountId, target.id);
    return c.json(await relationshipWith(viewer, target.id));
  });

  app.post("/api/v1/accounts/:id/remove_from_followers", async (c) => {
    const viewer = requireUser(c, "write:follows");
    const target = await getVisibleAccount(ctx, c.req.param("id"));
    await removeFromFollowers(ctx, viewer.accountId, target.id);
    return c.json(await relationshipWith(viewer, target.id));
  });

  app.post("/api/v1/accounts/:id/note", async (c) => {
    const viewer = requireUser(c, "write:accounts");
    const target = await getVisibleAccount(ctx, c.req.param("id"));
    const p = noteSchema.parse(await bodyParams(c));
    await setAccountNote(ctx, viewer.accountId, target.id, p.comment);
    return c.json(await relationshipWith(viewer, target.id));
  });

  const list = (
    path: string,
    load: (
      ctx: Context,
      viewer: Viewer | null,
      id: string,
      page: ReturnType<typeof readPage>,
    ) => Promise<AccountPage>,
  ) =>
    app.get(path, async (c) => {
      const viewer = optionalViewer(c, "read:accounts");
      const page = readPage(c, ACCOUNT_LIMITS);
      const result = await load(ctx, viewer, c.req.param("id") ?? "", page);
      setLinkHeader(c, page, result.cursors);
      return c.json(result.accounts.map((a) => renderAccount(ctx.config, a)));
    });
  list("/api/v1/accounts/:id/followers", listFollowers);
  list("/api/v1/accounts/:id/following", listFollowing);

  return app;
}
