// Editing one's own status (PUT /api/v1/statuses/:id), as Mastodon 4.5's UpdateStatusService:
// only the author may (anyone else gets "not found"), never a boost, and the visibility stays
// what it was. A field left out keeps its value; the text rules of posting apply; the text is
// parsed again for mentions, hashtags and links; an edit that changes nothing stores nothing.
// Each edit goes into the status's history (revise.ts) and out to whoever had the status.
import type { Context } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import { emitDomainEvent } from "../events.ts";
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
  mediaIds?: readonly string[];
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
  const ruled = await applyInstanceRules(ctx, viewer, {
    text,
    spoilerText,
    language,
    rendered,
    visibility: status.visibility,
    sensitive,
    statusId: status.id,
  });

  const revised = await reviseStatus(ctx, status.id, {
    content: rendered.html,
    text,
    spoilerText,
    sensitive: ruled.sensitive,
    language,
    editedAt: new Date().toISOString(),
    mentionIds: rendered.mentions,
    tags: rendered.tags,
  });
  if (revised.outcome !== "edited") return revised.status;
  await recordRuleActions(ctx, ruled.records);
  await notifyOfEdit(ctx, revised, rendered.mentions);
  await emitDomainEvent(ctx, { type: "status.updated", statusId: status.id });
  return revised.status;
}
