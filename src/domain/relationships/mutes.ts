// Muting, as Mastodon's MuteService: the muter stops seeing the account's statuses (and, by
// default, its notifications), for ever or for `durationSeconds`. Nothing federates and the
// muted account cannot tell. Expired mutes simply stop counting: every reader compares
// expires_at with the time (exclusions.ts, timelines/filters.ts, relationships.ts).
import { newId } from "../../db/ids.ts";
import type { AccountRow } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { validation } from "../errors.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";
import type { Viewer } from "../viewer.ts";

export const SELF_MUTE_ERROR = "Validation failed: You cannot mute yourself";

export interface MuteOptions {
  /** Hide their notifications too (default true) */
  notifications?: boolean;
  /** Seconds until the mute lifts; 0 or absent = for ever */
  durationSeconds?: number;
}

/** Mutes, or changes an existing mute to these options (as Mastodon, the last call wins). */
export async function mute(
  ctx: Context,
  accountId: string,
  targetId: string,
  options: MuteOptions = {},
): Promise<void> {
  if (accountId === targetId) throw validation(SELF_MUTE_ERROR);
  const now = Date.now();
  const duration = options.durationSeconds ?? 0;
  const changes = {
    hide_notifications: options.notifications === false ? 0 : 1,
    expires_at: duration > 0 ? new Date(now + duration * 1000).toISOString() : null,
  };
  await ctx.db.kysely
    .insertInto("mutes")
    .values({
      id: newId(),
      account_id: accountId,
      target_account_id: targetId,
      created_at: new Date(now).toISOString(),
      ...changes,
    })
    .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doUpdateSet(changes))
    .execute();
}

export async function unmute(ctx: Context, accountId: string, targetId: string): Promise<void> {
  await ctx.db.kysely
    .deleteFrom("mutes")
    .where("account_id", "=", accountId)
    .where("target_account_id", "=", targetId)
    .execute();
}

export interface MutedAccount {
  account: AccountRow;
  /** null = until unmuted */
  expiresAt: string | null;
}

/** The viewer's live mutes, newest first, paged by the mute row's ID. */
export async function listMutes(
  ctx: Context,
  viewer: Viewer,
  page: Page,
): Promise<{ mutes: MutedAccount[]; cursors: string[] }> {
  const now = new Date().toISOString();
  const q = ctx.db.kysely
    .selectFrom("mutes as m")
    .innerJoin("accounts as a", "a.id", "m.target_account_id")
    .selectAll("a")
    .select(["m.id as mute_row_id", "m.expires_at as mute_expires_at"])
    .where("m.account_id", "=", viewer.accountId)
    .where((eb) => eb.or([eb("m.expires_at", "is", null), eb("m.expires_at", ">", now)]))
    .where("a.suspended_at", "is", null);
  const rows = finishPage(await applyPage(q, "m.id", page).execute(), page);
  return {
    mutes: rows.map(({ mute_row_id: _, mute_expires_at, ...account }) => ({
      account,
      expiresAt: mute_expires_at,
    })),
    cursors: rows.map((r) => r.mute_row_id),
  };
}
