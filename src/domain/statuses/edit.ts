// Editing one's own status (PUT /api/v1/statuses/:id), as Mastodon 4.5's UpdateStatusService:
// only the author may (anyone else gets "not found"), never a boost, and the visibility stays
// what it was. A field left out keeps its value; the text rules of posting apply; the text is
// parsed again for mentions, hashtags and links; an edit that changes nothing stores nothing.
// The poll is replaced by the one sent, or removed when none is (UpdateStatusService#update_poll!).
// Each edit goes into the status's history (revise.ts) and out to whoever had the status.
import { type Context, inTransaction } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
import { checkPollRequest, type PollRequest } from "../polls/limits.ts";
import type { Viewer } from "../viewer.ts";
import { checkStatusText, chooseLanguage, renderStatusText } from "./compose.ts";
import { notifyOfEdit } from "./edit-notify.ts";
import { findVisibleStatus, type StatusRow } from "./queries.ts";
import { reviseStatus } from "./revise.ts";

/** What the author asks to change; undefined keeps the current value. */
export interface StatusChanges {
  text?: string;
  spoilerText?: string;
  sensitive?: boolean;
  language?: string | null;
  mediaIds?: readonly string[];
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
  if (changes.mediaIds && changes.mediaIds.length > 0)
    throw validation("Validation failed: media not supported yet");

  const { text, spoilerText } = checkStatusText(
    ctx,
    changes.text ?? status.text,
    changes.spoilerText ?? status.spoiler_text,
  );
  // As Mastodon: sending either field sets sensitivity anew (a warning always implies it).
  const sensitive =
    changes.sensitive !== undefined || changes.spoilerText !== undefined
      ? (changes.sensitive ?? false) || spoilerText !== ""
      : status.sensitive === 1;
  const language = chooseLanguage(changes.language, status.language);
  const rendered = await renderStatusText(ctx, text);
  const poll = changes.poll ? checkPollRequest(changes.poll) : null;

  // The edit and its event commit together (events.ts).
  const revised = await inTransaction(ctx, async (tctx) => {
    const result = await reviseStatus(tctx, status.id, {
      content: rendered.html,
      text,
      spoilerText,
      sensitive,
      language,
      editedAt: new Date().toISOString(),
      mentionIds: rendered.mentions,
      tags: rendered.tags,
      poll,
    });
    if (result.outcome === "edited")
      await emitDomainEvent(tctx, { type: "status.updated", statusId: status.id });
    return result;
  });
  if (revised.outcome !== "edited") return revised.status;
  await notifyOfEdit(ctx, revised, rendered.mentions);
  return revised.status;
}
