// Reading and tending one's direct conversations (GET /api/v1/conversations, …/read, DELETE).
// A conversation shows the newest of its statuses that the account may still see (the
// visibility rule and the account's mutes, checked when read); one with none left is not
// listed. Pages are cut by the newest status ever added, as Mastodon pages by last_status_id.
import { type RawBuilder, type SqlBool, sql } from "kysely";
import { isId } from "../../db/ids.ts";
import { type AccountRow, getAccounts } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { notFound } from "../errors.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";
import { getStatusRows } from "../statuses/queries.ts";
import { loadStatusViews, type StatusView } from "../statuses/views.ts";
import { notMutedFilter } from "../timelines/filters.ts";
import type { Viewer } from "../viewer.ts";
import { visibleStatusFilter } from "../visibility.ts";

export interface ConversationView {
  id: string;
  unread: boolean;
  /** the other participants; the account itself when it wrote only to itself, as Mastodon */
  accounts: AccountRow[];
  lastStatus: StatusView | null;
}

export interface ConversationPage {
  conversations: ConversationView[];
  cursors: string[];
}

/** The newest status of conversation `c` the viewer may see, as a scalar subquery. */
function shownStatusId(viewer: Viewer): RawBuilder<string | null> {
  return sql<
    string | null
  >`(SELECT MAX(cs.status_id) FROM account_conversation_statuses cs INNER JOIN statuses s ON s.id = cs.status_id WHERE cs.conversation_id = c.id AND ${visibleStatusFilter(viewer, "s")} AND ${notMutedFilter(viewer, "s")})`;
}

function baseQuery(ctx: Context, viewer: Viewer) {
  const shown = shownStatusId(viewer);
  return ctx.db.kysely
    .selectFrom("account_conversations as c")
    .select(["c.id", "c.participant_ids", "c.unread", "c.last_status_id"])
    .select(shown.as("shown_status_id"))
    .where("c.account_id", "=", viewer.accountId)
    .where(sql<SqlBool>`${shown} IS NOT NULL`);
}

type Row = {
  id: string;
  participant_ids: string;
  unread: number;
  last_status_id: string;
  shown_status_id: string | null;
};

async function toViews(ctx: Context, viewer: Viewer, rows: Row[]): Promise<ConversationView[]> {
  const participantsOf = (r: Row) => (r.participant_ids === "" ? [] : r.participant_ids.split(" "));
  const accounts = await getAccounts(ctx, [viewer.accountId, ...rows.flatMap(participantsOf)]);
  const statusRows = await getStatusRows(
    ctx,
    rows.flatMap((r) => (r.shown_status_id ? [r.shown_status_id] : [])),
  );
  const views = await loadStatusViews(ctx, viewer, [...statusRows.values()]);
  const viewOf = new Map(views.map((v) => [v.row.id, v]));
  const me = accounts.get(viewer.accountId);
  return rows.map((r) => {
    const others = participantsOf(r).flatMap((id) => accounts.get(id) ?? []);
    return {
      id: r.id,
      unread: r.unread === 1,
      accounts: others.length > 0 || !me ? others : [me],
      lastStatus: (r.shown_status_id && viewOf.get(r.shown_status_id)) || null,
    };
  });
}

export async function listConversations(
  ctx: Context,
  viewer: Viewer,
  page: Page,
): Promise<ConversationPage> {
  const rows = finishPage(
    await applyPage(baseQuery(ctx, viewer), "c.last_status_id", page).execute(),
    page,
  );
  return {
    conversations: await toViews(ctx, viewer, rows),
    cursors: rows.map((r) => r.last_status_id),
  };
}

async function ownConversationId(ctx: Context, viewer: Viewer, id: string): Promise<string> {
  if (!isId(id)) throw notFound();
  const row = await ctx.db.kysely
    .selectFrom("account_conversations")
    .select("id")
    .where("id", "=", id)
    .where("account_id", "=", viewer.accountId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row.id;
}

/** Marks the conversation read and returns it. */
export async function readConversation(
  ctx: Context,
  viewer: Viewer,
  id: string,
): Promise<ConversationView> {
  const own = await ownConversationId(ctx, viewer, id);
  await ctx.db.kysely
    .updateTable("account_conversations")
    .set({ unread: 0 })
    .where("id", "=", own)
    .execute();
  const shown = shownStatusId(viewer);
  const row = await ctx.db.kysely
    .selectFrom("account_conversations as c")
    .select(["c.id", "c.participant_ids", "c.unread", "c.last_status_id"])
    .select(shown.as("shown_status_id"))
    .where("c.id", "=", own)
    .executeTakeFirstOrThrow();
  const [view] = await toViews(ctx, viewer, [row]);
  return view!;
}

/** The viewer's conversation `id` as listed (null if it is not theirs or shows nothing). */
export async function findConversation(
  ctx: Context,
  viewer: Viewer,
  id: string,
): Promise<ConversationView | null> {
  if (!isId(id)) return null;
  const row = await baseQuery(ctx, viewer).where("c.id", "=", id).executeTakeFirst();
  if (!row) return null;
  const [view] = await toViews(ctx, viewer, [row]);
  return view ?? null;
}

/** Removes the conversation from the account's list (the statuses stay); a new one brings it back. */
export async function deleteConversation(ctx: Context, viewer: Viewer, id: string): Promise<void> {
  const own = await ownConversationId(ctx, viewer, id);
  await ctx.db.kysely.deleteFrom("account_conversations").where("id", "=", own).execute();
}
