// The Status entity (Mastodon 4.5), rendered from the domain's StatusView. Fields that belong to
// features Kith does not have yet (cards, quotes) have their empty value.
import type { Config } from "../../config.ts";
import { acct } from "../../domain/accounts/queries.ts";
import type { Context } from "../../domain/context.ts";
import { notFound } from "../../domain/errors.ts";
import type { StatusRow } from "../../domain/statuses/queries.ts";
import { loadStatusViews, type StatusView } from "../../domain/statuses/views.ts";
import type { Viewer } from "../../domain/viewer.ts";
import { renderAccount } from "./account.ts";
import { renderFilterResult } from "./filter.ts";
import { renderMediaAttachment } from "./media-attachment.ts";
import { renderPoll } from "./poll.ts";

export function renderStatus(config: Config, view: StatusView): Record<string, unknown> {
  const { row, flags } = view;
  const isReblog = view.reblog !== null;
  const status: Record<string, unknown> = {
    id: row.id,
    uri: row.uri,
    created_at: row.created_at,
    account: renderAccount(config, view.account),
    content: isReblog ? "" : row.content,
    visibility: row.visibility,
    // A sensitized account's statuses are sensitive to everyone but their author (Mastodon).
    sensitive: row.sensitive === 1 || (view.account.sensitized_at !== null && !view.own),
    spoiler_text: row.spoiler_text,
    media_attachments: view.media.map((m) => renderMediaAttachment(config, m)),
    mentions: view.mentions.map((a) => ({
      id: a.id,
      username: a.username,
      url: a.url ?? a.uri,
      acct: acct(a),
    })),
    tags: view.tags.map((name) => ({
      name: name.toLowerCase(),
      url: `${config.origin}/tags/${encodeURIComponent(name.toLowerCase())}`,
    })),
    emojis: [],
    reblogs_count: row.reblogs_count,
    favourites_count: row.favourites_count,
    replies_count: row.replies_count,
    quotes_count: 0,
    url: row.url,
    in_reply_to_id: row.in_reply_to_id,
    in_reply_to_account_id: row.in_reply_to_account_id,
    reblog: view.reblog ? renderStatus(config, view.reblog) : null,
    poll: view.poll && !isReblog ? renderPoll(view.poll) : null,
    card: null,
    language: row.language,
    edited_at: row.edited_at,
    quote: null,
    // Kith has no quote posts yet, so nobody may quote.
    quote_approval: { automatic: [], manual: [], current_user: "denied" },
  };
  if (view.own) status.application = view.application;
  if (view.source !== undefined) status.text = view.source;
  if (flags) {
    status.favourited = flags.favourited;
    status.reblogged = flags.reblogged;
    status.muted = flags.muted;
    status.bookmarked = flags.bookmarked;
    // As Mastodon: only the author's own, pinnable statuses say whether they are pinned.
    if (view.own && !isReblog && (row.visibility === "public" || row.visibility === "unlisted"))
      status.pinned = flags.pinned;
    status.filtered = (view.filtered ?? []).map(renderFilterResult);
  }
  return status;
}

export const renderStatuses = (config: Config, views: StatusView[]) =>
  views.map((v) => renderStatus(config, v));

/** Loads what rendering needs for checked rows (one batch) and renders them. */
export async function renderStatusRows(
  ctx: Context,
  viewer: Viewer | null,
  rows: StatusRow[],
): Promise<Record<string, unknown>[]> {
  return renderStatuses(ctx.config, await loadStatusViews(ctx, viewer, rows));
}

/** One checked row, rendered; a row that cannot be rendered (author gone) is "not found". */
export async function renderStatusRow(
  ctx: Context,
  viewer: Viewer | null,
  row: StatusRow,
): Promise<Record<string, unknown>> {
  const [status] = await renderStatusRows(ctx, viewer, [row]);
  if (!status) throw notFound();
  return status;
}
