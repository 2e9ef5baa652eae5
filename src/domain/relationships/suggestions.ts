// Follow suggestions (Mastodon's GET /api/v2/suggestions), ranked simply and in the open:
//   1. friends_of_friends: accounts followed by the people the viewer follows, most such
//      follows first (then most followers). Only follows of people who show their follows
//      (hide_collections off) count, so a suggestion never reveals a hidden follow list.
//   2. most_followed: then this server's own accounts, most followers first.
// An account found both ways carries both sources. Every suggestion is discoverable (opted in
// to the directory, not suspended, silenced or moved), is not the viewer, is not followed or
// requested by them, is not blocked either way, muted or on a server they blocked, and was not
// dismissed (DELETE /api/v1/suggestions/:id, remembered in suggestion_dismissals).
import { type SqlBool, sql } from "kysely";
import { newId } from "../../db/ids.ts";
import { inDirectory } from "../accounts/directory.ts";
import { type AccountRow, getVisibleAccount } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { literalLimit } from "../pagination.ts";
import type { Viewer } from "../viewer.ts";
import { notExcludedBy } from "./exclusions.ts";

export type SuggestionSource = "friends_of_friends" | "most_followed";

export interface Suggestion {
  account: AccountRow;
  sources: SuggestionSource[];
}

/** The account in `column` may be suggested to `viewerId`. */
function suggestible(viewerId: string, column: string) {
  const other = sql.ref(column);
  return sql<SqlBool>`(${other} <> ${viewerId} AND NOT EXISTS (SELECT 1 FROM follows sf WHERE sf.account_id = ${viewerId} AND sf.target_account_id = ${other}) AND NOT EXISTS (SELECT 1 FROM follow_requests sr WHERE sr.account_id = ${viewerId} AND sr.target_account_id = ${other}) AND NOT EXISTS (SELECT 1 FROM suggestion_dismissals sd WHERE sd.account_id = ${viewerId} AND sd.target_account_id = ${other}) AND ${notExcludedBy(viewerId, column)})`;
}

export async function suggestAccounts(
  ctx: Context,
  viewer: Viewer,
  limit: number,
): Promise<Suggestion[]> {
  const { kysely } = ctx.db;
  // How many of the viewer's follows (who show their follows) follow each account.
  const ranked = kysely
    .selectFrom("follows as mine")
    .innerJoin("accounts as friend", "friend.id", "mine.target_account_id")
    .innerJoin("follows as theirs", "theirs.account_id", "mine.target_account_id")
    .select(["theirs.target_account_id as id", (eb) => eb.fn.countAll<number>().as("via")])
    .where("mine.account_id", "=", viewer.accountId)
    .where("friend.hide_collections", "=", 0)
    .groupBy("theirs.target_account_id");
  const friendsOfFriends = await kysely
    .selectFrom(ranked.as("r"))
    .innerJoin("accounts as a", "a.id", "r.id")
    .selectAll("a")
    .select("r.via")
    .where(inDirectory("a"))
    .where(suggestible(viewer.accountId, "a.id"))
    .orderBy("r.via", "desc")
    .orderBy("a.followers_count", "desc")
    .orderBy("a.id", "desc")
    .limit(literalLimit(limit))
    .execute();
  const mostFollowed = await kysely
    .selectFrom("accounts as a")
    .selectAll("a")
    .where("a.domain", "is", null)
    .where(inDirectory("a"))
    .where(suggestible(viewer.accountId, "a.id"))
    .orderBy("a.followers_count", "desc")
    .orderBy("a.id", "desc")
    .limit(literalLimit(limit))
    .execute();

  const byId = new Map<string, Suggestion>();
  for (const { via: _, ...account } of friendsOfFriends)
    byId.set(account.id, { account, sources: ["friends_of_friends"] });
  for (const account of mostFollowed) {
    const known = byId.get(account.id);
    if (known) known.sources.push("most_followed");
    else byId.set(account.id, { account, sources: ["most_followed"] });
  }
  return [...byId.values()].slice(0, limit);
}

/** Never suggest `targetId` to the viewer again. */
export async function dismissSuggestion(
  ctx: Context,
  viewer: Viewer,
  targetId: string,
): Promise<void> {
  const target = await getVisibleAccount(ctx, targetId);
  await ctx.db.kysely
    .insertInto("suggestion_dismissals")
    .values({
      id: newId(),
      account_id: viewer.accountId,
      target_account_id: target.id,
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.columns(["account_id", "target_account_id"]).doNothing())
    .execute();
}
