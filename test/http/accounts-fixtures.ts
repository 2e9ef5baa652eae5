// Shared set-up for the accounts, relationships and notifications tests: remote accounts and
// moderation states written straight into the database, and a few request shorthands.
import assert from "node:assert/strict";
import { newId } from "../../src/db/ids.ts";
import type { Context } from "../../src/domain/context.ts";
import { api, type TestUser } from "../helpers/users.ts";

/** An accounts row for someone on another server (no user, no keys). */
export async function createRemoteAccount(
  ctx: Context,
  username: string,
  domain: string,
  extra: { displayName?: string; locked?: boolean; followersCount?: number } = {},
): Promise<string> {
  const id = newId();
  const now = new Date().toISOString();
  await ctx.db.kysely
    .insertInto("accounts")
    .values({
      id,
      username,
      domain,
      display_name: extra.displayName ?? "",
      uri: `https://${domain}/users/${username}`,
      url: `https://${domain}/@${username}`,
      inbox_url: `https://${domain}/users/${username}/inbox`,
      shared_inbox_url: null,
      outbox_url: null,
      followers_url: null,
      following_url: null,
      featured_url: null,
      avatar_url: null,
      header_url: null,
      locked: extra.locked ? 1 : 0,
      discoverable: 1,
      followers_count: extra.followersCount ?? 0,
      moved_to_account_id: null,
      public_key_pem: null,
      private_key_pem: null,
      suspended_at: null,
      silenced_at: null,
      sensitized_at: null,
      last_status_at: null,
      created_at: now,
      updated_at: now,
      fetched_at: now,
    })
    .execute();
  return id;
}

export async function setAccount(
  ctx: Context,
  accountId: string,
  values: { locked?: number; suspended_at?: string | null; hide_collections?: number },
) {
  await ctx.db.kysely.updateTable("accounts").set(values).where("id", "=", accountId).execute();
}

export async function blockAccount(ctx: Context, blocker: string, target: string) {
  await ctx.db.kysely
    .insertInto("blocks")
    .values({
      id: newId(),
      account_id: blocker,
      target_account_id: target,
      uri: null,
      created_at: new Date().toISOString(),
    })
    .execute();
}

export async function muteAccount(
  ctx: Context,
  muter: string,
  target: string,
  hideNotifications = true,
) {
  await ctx.db.kysely
    .insertInto("mutes")
    .values({
      id: newId(),
      account_id: muter,
      target_account_id: target,
      hide_notifications: hideNotifications ? 1 : 0,
      expires_at: null,
      created_at: new Date().toISOString(),
    })
    .execute();
}

/** POSTs a follow and insists it worked; returns the Relationship. */
export async function followOk(
  base: string,
  follower: TestUser,
  target: { accountId: string },
  body?: Record<string, unknown>,
) {
  const res = await api(base, "POST", `/api/v1/accounts/${target.accountId}/follow`, {
    token: follower.token,
    body: body ?? {},
  });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json;
}

export async function getAccountJson(base: string, id: string, token?: string) {
  const res = await api(base, "GET", `/api/v1/accounts/${id}`, { token });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json;
}

/** The URLs of a Link header by rel. */
export function links(headers: Headers): Record<string, URL> {
  const out: Record<string, URL> = {};
  for (const part of (headers.get("Link") ?? "").split(",")) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim());
    if (m) out[m[2]!] = new URL(m[1]!);
  }
  return out;
}
