// Which queue runs which domain operation. The worker process is built from this list.
import {
  REGISTRATION_UPKEEP_QUEUE,
  registrationUpkeep,
} from "../domain/accounts/registration-upkeep.ts";
import type { Context } from "../domain/context.ts";
import {
  DOMAIN_EVENTS_QUEUE,
  type DomainEvent,
  tellDomainEventListeners,
} from "../domain/events.ts";
import { housekeeping } from "../domain/housekeeping.ts";
import {
  MEDIA_CLEANUP_QUEUE,
  processQueuedMedia,
  removeUnattachedMedia,
} from "../domain/media/jobs.ts";
import { REMOTE_MEDIA_CACHE_QUEUE } from "../domain/media/remote.ts";
import { MEDIA_QUEUE } from "../domain/media/uploads.ts";
import { ACCOUNT_PURGE_QUEUE } from "../domain/moderation/account-actions.ts";
import {
  refreshAllSubscriptions,
  SUBSCRIPTION_QUEUE,
} from "../domain/moderation/domain-block-subscriptions.ts";
import { accountPurgeJob } from "../domain/moderation/purge.ts";
import { POLL_EXPIRY_QUEUE, pollExpiryJob } from "../domain/polls/expiry.ts";
import { POLL_UPDATE_QUEUE, pollUpdateJob } from "../domain/polls/updates.ts";
import { PUSH_QUEUE } from "../domain/push/enqueue.ts";
import { followUpJob, STATUS_FOLLOW_UP_QUEUE } from "../domain/statuses/follow-up.ts";
import {
  publishScheduledStatusJob,
  SCHEDULED_STATUS_QUEUE,
} from "../domain/statuses/scheduled-jobs.ts";
import { FAN_OUT_QUEUE, fanOutJob } from "../domain/timelines/home-feed.ts";
import { FEDERATION_CLEANUP_QUEUE, federationCleanup } from "../federation/cleanup.ts";
import { PROBE_QUEUE, probeUnavailableHosts } from "../federation/outbox/probe.ts";
import type { WorkerOptions } from "./worker.ts";

export function jobHandlers(ctx: Context): Pick<WorkerOptions, "handlers" | "periodic"> {
  return {
    handlers: {
      // A suspended account's data, 30 days on (moderation/purge.ts).
      [ACCOUNT_PURGE_QUEUE]: (payload) => accountPurgeJob(ctx, payload),
      // Domain events recorded with their change: the outbox's deliveries (events.ts).
      [DOMAIN_EVENTS_QUEUE]: (payload) => tellDomainEventListeners(ctx, payload as DomainEvent),
      housekeeping: async () => {
        await housekeeping(ctx);
      },
      // Home-feed fan-out for statuses with many local followers (see home-feed.ts).
      [FAN_OUT_QUEUE]: (payload) => fanOutJob(ctx, payload),
      // Expired Fedify cache entries and old dead federation messages.
      [FEDERATION_CLEANUP_QUEUE]: async () => {
        await federationCleanup(ctx);
      },
      // A poll's end: notifications, and a local poll's final tallies to other servers.
      [POLL_EXPIRY_QUEUE]: (payload) => pollExpiryJob(ctx, payload),
      // A local poll's new tallies to other servers, debounced.
      [POLL_UPDATE_QUEUE]: (payload) => pollUpdateJob(ctx, payload),
      // One Web Push to one subscription (domain/push/deliver.ts).
      // Loaded on the first push: web-push and Fedify's address check stay out of idle memory.
      [PUSH_QUEUE]: async (payload) => {
        const { pushJob } = await import("../domain/push/deliver.ts");
        await pushJob(ctx, payload);
      },
      // Whether unavailable hosts are back (federation/outbox/probe.ts).
      [PROBE_QUEUE]: async () => {
        await probeUnavailableHosts(ctx);
      },
      // Open registrations to approval when moderators are away; expired IP blocks.
      [REGISTRATION_UPKEEP_QUEUE]: () => registrationUpkeep(ctx),
      // Published blocklists the instance subscribes to (a failing list is kept as its error).
      // The fetcher (and Fedify with it) is loaded only when there is a list to fetch.
      [SUBSCRIPTION_QUEUE]: async () => {
        await refreshAllSubscriptions(ctx, async (url, etag) => {
          const { blocklistFetcher } = await import("../federation/blocklist-fetch.ts");
          return blocklistFetcher(ctx)(url, etag);
        });
      },
      // An uploaded image processed after POST /api/v2/media answered (domain/media/).
      [MEDIA_QUEUE]: (payload) => processQueuedMedia(ctx, payload),
      // Media never attached to a status, removed after a day with its files.
      [MEDIA_CLEANUP_QUEUE]: async () => {
        await removeUnattachedMedia(ctx);
      },
      // A remote attachment copied here (KITH_REMOTE_MEDIA=cache); federation loads on use.
      [REMOTE_MEDIA_CACHE_QUEUE]: async (payload) => {
        const { cacheRemoteMedia } = await import("../federation/remote/media-cache.ts");
        await cacheRemoteMedia(ctx, payload);
      },
      // A new status's feeds and notifications, when a crash cut off the inline run.
      [STATUS_FOLLOW_UP_QUEUE]: (payload) => followUpJob(ctx, payload),
      // A scheduled status, posted when its time comes.
      [SCHEDULED_STATUS_QUEUE]: (payload) => publishScheduledStatusJob(ctx, payload),
    },
    periodic: [
      { queue: "housekeeping", everyMs: 3600_000 },
      { queue: FEDERATION_CLEANUP_QUEUE, everyMs: 3600_000 },
      { queue: PROBE_QUEUE, everyMs: 6 * 3600_000 },
      { queue: REGISTRATION_UPKEEP_QUEUE, everyMs: 3600_000 },
      { queue: SUBSCRIPTION_QUEUE, everyMs: 3600_000 },
      { queue: MEDIA_CLEANUP_QUEUE, everyMs: 3600_000 },
    ],
  };
}
