// Should this viewer get this on this stream? Each answer is the REST timeline's own query
// (home, public, hashtag, list, notifications, conversations) asked about one ID, so a stream
// shows exactly what the matching timeline would show the viewer right now: the visibility
// rule (followers-only and direct only to those addressed), blocks either way, the viewer's
// server blocks, mutes (and a mute's notifications flag), silenced accounts on public
// timelines, replies to others off public timelines. Then the viewer's keyword filters.

import type { Context } from "../context.ts";
import { type ConversationView, findConversation } from "../conversations/conversations.ts";
import { DomainError } from "../errors.ts";
import { getOwnList } from "../lists/lists.ts";
import { getNotification, type NotificationRow } from "../notifications/queries.ts";
import { loadNotificationViews, type NotificationViews } from "../notifications/views.ts";
import { findTagIds } from "../statuses/tags.ts";
import { loadStatusViews, type StatusView } from "../statuses/views.ts";
import { homeStatuses } from "../timelines/home.ts";
import { listStatuses } from "../timelines/list.ts";
import { notAReplyToOthers, publicStatuses } from "../timelines/public.ts";
import type { Viewer } from "../viewer.ts";
import type { TimelineFacts } from "./messages.ts";
import { isPublicStream, type StreamSpec } from "./streams.ts";

/** The status as this viewer would see it on this stream, or null if it does not belong. */
export async function statusForStream(
  ctx: Context,
  viewer: Viewer,
  spec: StreamSpec,
  statusId: string,
): Promise<StatusView | null> {
  const row = await streamQuery(ctx, viewer, spec, statusId);
  if (!row) return null;
  // The viewer's keyword filters apply as on the REST timeline of the same stream: a status a
  // "hide" filter matches has no view; a "warn" match comes with its `filtered` results.
  const filterContext = spec.name === "user" || spec.name === "list" ? "home" : "public";
  const [view] = await loadStatusViews(ctx, viewer, [row], { filterContext });
  return view ?? null;
}

async function streamQuery(ctx: Context, viewer: Viewer, spec: StreamSpec, statusId: string) {
  if (spec.name === "user")
    return homeStatuses(ctx, viewer).where("s.id", "=", statusId).executeTakeFirst();
  if (isPublicStream(spec)) {
    const local = spec.name.startsWith("public:local");
    const remote = spec.name.startsWith("public:remote");
    const onlyMedia = spec.name.endsWith(":media");
    return publicStatuses(ctx, viewer, { local, remote, onlyMedia })
      .where(notAReplyToOthers)
      .where("s.id", "=", statusId)
      .executeTakeFirst();
  }
  if (spec.name === "hashtag" || spec.name === "hashtag:local") {
    const tagIds = await findTagIds(ctx, [spec.tag]);
    if (tagIds.length === 0) return undefined;
    return publicStatuses(ctx, viewer, { local: spec.name === "hashtag:local" })
      .where("s.id", "=", statusId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("status_tags as st")
            .select("st.tag_id")
            .whereRef("st.status_id", "=", "s.id")
            .where("st.tag_id", "in", tagIds),
        ),
      )
      .executeTakeFirst();
  }
  if (spec.name === "list") {
    const list = await ownList(ctx, viewer, spec.list);
    if (!list) return undefined;
    return listStatuses(ctx, viewer, list).where("s.id", "=", statusId).executeTakeFirst();
  }
  return undefined;
}

/** The viewer's list, or null when it is not theirs (or gone). */
export async function ownList(ctx: Context, viewer: Viewer, listId: string) {
  try {
    return await getOwnList(ctx, viewer, listId);
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
}

/** Of `accountIds`, those whose home feed holds the status (whom an edit is streamed to). */
export async function homeFeedHolders(
  ctx: Context,
  statusId: string,
  accountIds: readonly string[],
): Promise<string[]> {
  const held: string[] = [];
  for (let i = 0; i < accountIds.length; i += 500) {
    const rows = await ctx.db.kysely
      .selectFrom("home_feed")
      .select("account_id")
      .where("status_id", "=", statusId)
      .where("account_id", "in", accountIds.slice(i, i + 500))
      .execute();
    for (const r of rows) held.push(r.account_id);
  }
  return held;
}

/** The notification as GET /api/v1/notifications/:id would give it to the viewer, or null. */
export async function notificationForStream(
  ctx: Context,
  viewer: Viewer,
  notificationId: string,
): Promise<{ row: NotificationRow; views: NotificationViews } | null> {
  let row: NotificationRow;
  try {
    row = await getNotification(ctx, viewer, notificationId);
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
  const views = await loadNotificationViews(ctx, viewer, [row]);
  // A status hidden by the viewer's filters (or gone) has no view: its notification is left
  // out, as the REST list leaves it out.
  if (row.status_id && !views.statuses.has(row.id)) return null;
  return { row, views };
}

/** The conversation as GET /api/v1/conversations lists it for the viewer, or null. */
export function conversationForStream(
  ctx: Context,
  viewer: Viewer,
  conversationId: string,
): Promise<ConversationView | null> {
  return findConversation(ctx, viewer, conversationId);
}

/** A cheap first look, so public and hashtag streams skip what cannot be theirs. */
export async function timelineFacts(ctx: Context, statusId: string) {
  const row = await ctx.db.kysely
    .selectFrom("statuses")
    .select(["account_id", "visibility", "reblog_of_id", "local"])
    .where("id", "=", statusId)
    .executeTakeFirst();
  if (!row) return null;
  const tags = await ctx.db.kysely
    .selectFrom("status_tags as st")
    .innerJoin("tags as t", "t.id", "st.tag_id")
    .select("t.name")
    .where("st.status_id", "=", statusId)
    .execute();
  return {
    authorId: row.account_id,
    public: row.visibility === "public" && row.reblog_of_id === null,
    local: row.local === 1,
    tags: tags.map((t) => t.name.toLowerCase()),
  } satisfies TimelineFacts;
}

/** Could a public or hashtag stream have carried a status with these facts? */
export function mayCarry(spec: StreamSpec, facts: TimelineFacts): boolean {
  if (!facts.public) return false;
  if (isPublicStream(spec)) {
    if (spec.name.startsWith("public:local")) return facts.local;
    if (spec.name.startsWith("public:remote")) return !facts.local;
    return true;
  }
  if (spec.name === "hashtag") return facts.tags.includes(spec.tag);
  if (spec.name === "hashtag:local") return facts.local && facts.tags.includes(spec.tag);
  return false;
}

/** Is the status no longer stored (its delete committed)? */
export async function statusGone(ctx: Context, statusId: string): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom("statuses")
    .select("id")
    .where("id", "=", statusId)
    .executeTakeFirst();
  return row === undefined;
}

/** Of `listIds`, those that have `accountId` as a member. */
export async function listsHolding(
  ctx: Context,
  accountId: string,
  listIds: readonly string[],
): Promise<Set<string>> {
  if (listIds.length === 0) return new Set();
  const rows = await ctx.db.kysely
    .selectFrom("list_accounts")
    .select("list_id")
    .where("account_id", "=", accountId)
    .where("list_id", "in", [...new Set(listIds)])
    .execute();
  return new Set(rows.map((r) => r.list_id));
}

/**
 * Of these tokens, those still good for streaming: not revoked, their account neither
 * suspended nor disabled. Connections are checked on every heartbeat, so revoking a token or
 * suspending an account ends its streams within one heartbeat.
 */
export async function tokensStillValid(
  ctx: Context,
  tokenIds: readonly string[],
): Promise<Set<string>> {
  const unique = [...new Set(tokenIds)];
  const valid = new Set<string>();
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await ctx.db.kysely
      .selectFrom("oauth_tokens as t")
      .innerJoin("accounts as a", "a.id", "t.account_id")
      .innerJoin("users as u", "u.account_id", "a.id")
      .select("t.id")
      .where("t.id", "in", unique.slice(i, i + 500))
      .where("t.revoked_at", "is", null)
      .where("a.suspended_at", "is", null)
      .where("u.disabled", "=", 0)
      .execute();
    for (const r of rows) valid.add(r.id);
  }
  return valid;
}
