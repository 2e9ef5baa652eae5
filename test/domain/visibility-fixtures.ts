// Rows for visibility tests, written straight into the database: accounts, statuses and the
// relationships between them, without going through the API.
import { newId } from "../../src/db/ids.ts";
import type { Visibility } from "../../src/db/schema.ts";
import type { Context } from "../../src/domain/context.ts";

export async function insertAccount(
  ctx: Context,
  username: string,
  options: { suspended?: boolean; domain?: string | null } = {},
): Promise<string> {
  const id = newId();
  const now = new Date().toISOString();
  const origin = options.domain ? `https://${options.domain}` : ctx.config.origin;
  await ctx.db.kysely
    .insertInto("accounts")
    .values({
      id,
      username,
      domain: options.domain ?? null,
      uri: `${origin}/users/${username}`,
      url: `${origin}/@${username}`,
      inbox_url: null,
      shared_inbox_url: null,
      outbox_url: null,
      followers_url: null,
      following_url: null,
      featured_url: null,
      avatar_url: null,
      header_url: null,
      discoverable: null,
      moved_to_account_id: null,
      public_key_pem: null,
      private_key_pem: null,
      suspended_at: options.suspended ? now : null,
      silenced_at: null,
      sensitized_at: null,
      last_status_at: null,
      created_at: now,
      updated_at: now,
      fetched_at: null,
    })
    .execute();
  return id;
}

export async function insertStatus(
  ctx: Context,
  accountId: string,
  visibility: Visibility,
  options: { mentions?: string[]; reblogOf?: string } = {},
): Promise<string> {
  const id = newId();
  const now = new Date().toISOString();
  await ctx.db.kysely
    .insertInto("statuses")
    .values({
      id,
      uri: `${ctx.config.origin}/statuses/${id}`,
      url: null,
      account_id: accountId,
      local: 1,
      in_reply_to_id: null,
      in_reply_to_account_id: null,
      in_reply_to_uri: null,
      reblog_of_id: options.reblogOf ?? null,
      thread_id: id,
      visibility,
      language: null,
      application_id: null,
      created_at: now,
      edited_at: null,
      updated_at: now,
    })
    .execute();
  for (const mentioned of options.mentions ?? []) {
    await ctx.db.kysely
      .insertInto("status_mentions")
      .values({ status_id: id, account_id: mentioned })
      .execute();
  }
  return id;
}

export async function insertFollow(ctx: Context, follower: string, target: string) {
  await ctx.db.kysely
    .insertInto("follows")
    .values({
      id: newId(),
      account_id: follower,
      target_account_id: target,
      languages: null,
      uri: null,
      created_at: new Date().toISOString(),
    })
    .execute();
}

export async function insertBlock(ctx: Context, blocker: string, target: string) {
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

/** A user-level block of a whole server (account_domain_blocks). */
export async function insertDomainBlock(ctx: Context, accountId: string, domain: string) {
  await ctx.db.kysely
    .insertInto("account_domain_blocks")
    .values({ id: newId(), account_id: accountId, domain, created_at: new Date().toISOString() })
    .execute();
}
