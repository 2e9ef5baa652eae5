// Shared set-up for the statuses, timelines and privacy tests: posting through the API, and
// relationships written straight through the database (the follow API is tested elsewhere).
import assert from "node:assert/strict";
import { newId } from "../../src/db/ids.ts";
import type { Context } from "../../src/domain/context.ts";
import { addToHomeFeedOnFollow } from "../../src/domain/timelines/home-feed.ts";
import type { TestUser } from "../helpers/users.ts";
import { api } from "../helpers/users.ts";

export async function post(
  base: string,
  user: TestUser,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON field by field
): Promise<{ status: number; json: any }> {
  const response = await fetch(`${base}/api/v1/statuses`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${user.token}`,
      "Content-Type": "application/json",
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** Posts and insists it worked; returns the status JSON. */
export async function postOk(base: string, user: TestUser, body: Record<string, unknown>) {
  const res = await post(base, user, body);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json;
}

export async function follow(
  ctx: Context,
  follower: TestUser,
  target: TestUser,
  options: { showReblogs?: boolean; notify?: boolean; languages?: string[] } = {},
) {
  await ctx.db.kysely
    .insertInto("follows")
    .values({
      id: newId(),
      account_id: follower.accountId,
      target_account_id: target.accountId,
      show_reblogs: options.showReblogs === false ? 0 : 1,
      notify: options.notify ? 1 : 0,
      languages: options.languages ? JSON.stringify(options.languages) : null,
      uri: null,
      created_at: new Date().toISOString(),
    })
    .execute();
  await addToHomeFeedOnFollow(ctx, follower.accountId, target.accountId);
}

export async function block(ctx: Context, blocker: TestUser, target: TestUser) {
  await ctx.db.kysely
    .insertInto("blocks")
    .values({
      id: newId(),
      account_id: blocker.accountId,
      target_account_id: target.accountId,
      uri: null,
      created_at: new Date().toISOString(),
    })
    .execute();
}

export async function mute(
  ctx: Context,
  muter: TestUser,
  target: TestUser,
  expiresAt: string | null = null,
) {
  await ctx.db.kysely
    .insertInto("mutes")
    .values({
      id: newId(),
      account_id: muter.accountId,
      target_account_id: target.accountId,
      expires_at: expiresAt,
      created_at: new Date().toISOString(),
    })
    .execute();
}

/** IDs of a list endpoint's statuses (or accounts), as the given user sees them. */
export async function ids(base: string, path: string, user?: TestUser): Promise<string[]> {
  const res = await api(base, "GET", path, user ? { token: user.token } : {});
  assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.json)}`);
  return (res.json as { id: string }[]).map((s) => s.id);
}

/** The URL of the Link header's `rel` link, made relative to the server. */
export function linkPath(headers: Headers, rel: "next" | "prev"): string | null {
  const link = headers.get("link") ?? "";
  const match = new RegExp(`<([^>]+)>; rel="${rel}"`).exec(link);
  if (!match) return null;
  const url = new URL(match[1]!);
  return `${url.pathname}${url.search}`;
}
