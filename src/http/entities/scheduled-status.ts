// Mastodon's ScheduledStatus entity. Kith has no media attachments yet, so the list is empty.
import type { ScheduledStatus } from "../../domain/statuses/scheduled.ts";

export function renderScheduledStatus(s: ScheduledStatus) {
  return {
    id: s.id,
    scheduled_at: s.scheduledAt,
    // As Mastodon, `params.scheduled_at` is null: the status is only scheduled once.
    params: { ...s.params, scheduled_at: null },
    media_attachments: [],
  };
}
