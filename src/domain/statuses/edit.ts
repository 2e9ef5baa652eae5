// Editing one's own status (PUT /api/v1/statuses/:id), as Mastodon 4.5's UpdateStatusService:
// only the author may (anyone else gets "not found"), never a boost, and the visibility stays
// what it was. A field left out keeps its value; the text rules of posting apply; the text is
// parsed again for mentions, hashtags and links; an edit that changes nothing stores nothing.
// The poll is replaced by the one sent, or removed when none is (UpdateStatusService#update_poll!).
// Each edit goes into the status's history (revise.ts) and out to whoever had the status.
import { type Context, inTransaction } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import { applyMediaEdit, type MediaAttribute, planMediaEdit } from "../media/attach.ts";
import { checkPollRequest, type PollRequest } from "../polls/limits.ts";
import { recordRuleActions } from "../rules/actions.ts";
import type { Viewer } from "../viewer.ts";
import {
  applyInstanceRules,
  checkStatusText,
  chooseLanguage,
  renderStatusText,
} from "./compose.ts";
import { notifyOfEdit } from "./edit-notify.ts";
import { findVisibleStatus, type StatusRow } from "./queries.ts";
import { reviseStatus } from "./revise.ts";

/** What the author asks to change; undefined keeps the current value. */
export interface StatusChanges {
  text?: string;
  spoilerText?: string;
  sensitive?: boolean;
  language?: string | null;
  /** The media after the edit, in order; undefined keeps the status's media. */
  mediaIds?: readonly string[];
  /** New descriptions and focal points of media in the list. */
  mediaAttributes?: readonly MediaAttribute[];
  /** The poll the status has after the edit: null (or left out) for none. */
  poll?: PollRequest | null;
}

export async function editStatus(
  ctx: Context,
  viewer: Viewer,
  id: string,
  changes: StatusChanges,
): Promise<StatusRow> {
  const status = await findVisibleStatus(ctx, viewer, id);
  if (status.account_id !== viewer.accountId) throw notFound();
  if (status.reblog_of_id) throw validation("Validation failed: A boost cannot be edited");
  const media = await planMediaEdit(
    ctx,
    viewer,
    status.id,
    changes.mediaIds,
    changes.mediaAttributes ?? [],
  );
  if (media.media.length > 0 && changes.poll)
    throw validation("Validation failed: Cannot attach files to a status with a poll");

  const { text, spoilerText } = checkStatusText(
    ctx,
    changes.text ?? status.text,
    changes.spoilerText ?? status.spoiler_text,
    { hasMedia: media.media.length > 0 },
  );
  // As Mastodon: sending either field sets sensitivity anew (a warning always implies it).
  const sensitive =
    changes.sensitive !== undefined || changes.spoilerText !== undefined
      ? (changes.sensitive ?? false) || spoilerText !== ""
      : status.sensitive === 1;
  const language = chooseLanguage(changes.language, status.language);
  const rendered = await renderStatusText(ctx, text);
  const poll = changes.poll ? checkPollRequest(changes.poll) : null;
  const ruled = await applyInstanceRules(ctx, viewer, {
    text,
    spoilerText,
    language,
    rendered,
    visibility: status.visibility,
    sensitive,
    statusId: status.id,
    mediaDescriptions: media.media.map((m) => m.description ?? ""),
  });

  // The edit, the rules' record and its event commit together (events.ts).
  const revised = await inTransaction(ctx, async (tctx) => {
    const result = await reviseStatus(tctx, status.id, {
      content: rendered.html,
      text,
      spoilerText,
      sensitive: ruled.sensitive,
      language,
      editedAt: new Date().toISOString(),
      mentionIds: rendered.mentions,
      tags: rendered.tags,
      poll,
      otherChanges: media.changed,
      media: media.media.map((m) => ({ id: m.id, description: m.description })),
    });
    if (result.outcome === "edited") {
      await applyMediaEdit(tctx, media);
      await recordRuleActions(tctx, ruled.records);
      await emitDomainEvent(tctx, { type: "status.updated", statusId: status.id });
    }
    return result;
  });
  if (revised.outcome !== "edited") return revised.status;
  await notifyOfEdit(ctx, revised, rendered.mentions);
  return revised.status;
}
