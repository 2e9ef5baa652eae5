// Mastodon's ScheduledStatus entity, with the media it will be posted with.
import type { Config } from "../../config.ts";
import type { ScheduledStatus } from "../../domain/statuses/scheduled.ts";
import { renderMediaAttachment } from "./media-attachment.ts";

export function renderScheduledStatus(config: Config, s: ScheduledStatus) {
  return {
    id: s.id,
    scheduled_at: s.scheduledAt,
    // As Mastodon, `params.scheduled_at` is null: the status is only scheduled once.
    params: { ...s.params, scheduled_at: null },
    media_attachments: s.media.map((m) => renderMediaAttachment(config, m)),
  };
}
