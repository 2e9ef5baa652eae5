// Domain events: what just happened, recorded durably IN THE SAME TRANSACTION as the change,
// and told to the listeners afterwards by a worker. The federation layer listens and turns
// events into deliveries; the domain itself knows nothing of who listens or of ActivityPub.
//
// THE RULE: call `emitDomainEvent(tctx, event)` inside the transaction that makes the change,
// with the transaction's Context (`inTransaction` in context.ts, or `{ config, db: { ...db,
// kysely: trx } }`). The event is a row of the `jobs` table (queue `events`), so the change and
// its event are committed together or not at all: a crash can no longer lose a delivery
// between the commit and the queueing. An event that changes nothing here (an answer to a
// remote request) may be emitted with a plain Context. Events must be JSON values (rows as
// they were are fine), since they are stored.
//
// The worker (jobs/registry.ts) takes each event job and runs this Kith's listeners
// (`onDomainEvent`, registered where a worker runs: main.ts) one after the other. A listener
// that throws makes the job run again later, every listener included: listeners must
// tolerate hearing an event twice (Fedify's deliveries have stable activity ids, which
// receivers de-duplicate). Events of one subject (a status, a follow…) are handled one at a
// time in the order emitted, so a Create is queued before its Delete.
//
// Listeners are keyed by the configuration object, which every Context of one Kith shares
// (transaction contexts copy `db` but keep `config`), so two Kiths in one process (tests)
// never hear each other.
import type { Config } from "../config.ts";
import { enqueue } from "../jobs/queue.ts";
import type { Context } from "./context.ts";
import type { StatusRow } from "./statuses/queries.ts";

/** A follow (or follow request) between two accounts, either of which may be remote. */
export interface FollowFacts {
  /** The follows or follow_requests row */
  followId: string;
  followerId: string;
  targetId: string;
  /** The ActivityPub Follow's id, when one was sent or received */
  uri: string | null;
}

export interface BlockFacts {
  blockId: string;
  accountId: string;
  targetId: string;
  uri: string | null;
}

export type DomainEvent =
  | { type: "status.created"; statusId: string }
  | { type: "status.updated"; statusId: string }
  /** The row as it was, and who it mentioned (those rows are gone with it). */
  | { type: "status.deleted"; status: StatusRow; mentionedAccountIds: string[] }
  /** `reblogId` is the new reblog row. */
  | { type: "status.reblogged"; reblogId: string }
  /** The reblog row as it was. */
  | { type: "status.unreblogged"; reblog: StatusRow }
  | { type: "status.favourited"; favouriteId: string; accountId: string; statusId: string }
  | { type: "status.unfavourited"; favouriteId: string; accountId: string; statusId: string }
  | { type: "status.pinned"; accountId: string; statusId: string }
  | { type: "status.unpinned"; accountId: string; statusId: string }
  /** A follow request was made (of a remote account: it must Accept). */
  | ({ type: "follow.requested" } & FollowFacts)
  /** A follow came into being: the target let the follower in (or needed no asking). */
  | ({ type: "follow.accepted" } & FollowFacts)
  /** The target turned a request down, or removed an existing follower. */
  | ({ type: "follow.rejected" } & FollowFacts)
  /** The follower ended a follow or withdrew a request. */
  | ({ type: "follow.undone" } & FollowFacts)
  | ({ type: "block.created" } & BlockFacts)
  | ({ type: "block.removed" } & BlockFacts)
  | { type: "account.updated"; accountId: string }
  /** A local account was suspended or its suspension lifted: its actor goes out again. */
  | { type: "account.suspended" | "account.unsuspended"; accountId: string }
  /** A local account was deleted; these remote accounts' servers are to be told. */
  | { type: "account.deleted"; accountId: string; remoteAccountIds: string[] }
  /** A local poll's tallies changed (or it ended): its Question goes out again. */
  | { type: "poll.updated"; statusId: string }
  /** A local account voted in a poll (`voteIds`: its new poll_votes rows). */
  | { type: "poll.voted"; pollId: string; accountId: string; voteIds: string[] }
  /** A local user reported a remote account and asked for the report to be forwarded to
   *  these servers (the reported account's own and those it replied to). */
  | { type: "report.created"; reportId: string; forwardToDomains: string[] }
  /** A local account's keyword filters changed (streaming sends `filters_changed`). */
  | { type: "filters.changed"; accountId: string };

export type DomainEventListener = (event: DomainEvent) => Promise<void> | void;

/** The `jobs` queue the events wait in until a worker tells the listeners. */
export const DOMAIN_EVENTS_QUEUE = "events";

const listeners = new WeakMap<Config, Set<DomainEventListener>>();

/** Listens to the events of the Kith that `ctx` belongs to; returns the way to stop. */
export function onDomainEvent(ctx: Context, listener: DomainEventListener): () => void {
  let set = listeners.get(ctx.config);
  if (!set) listeners.set(ctx.config, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

/** Records `event` for the listeners; call it inside the transaction that makes the change. */
export async function emitDomainEvent(ctx: Context, event: DomainEvent): Promise<void> {
  await enqueue(ctx.db, DOMAIN_EVENTS_QUEUE, event, {
    orderingKey: subjectOf(event),
    // About two days of retries (backoff doubles up to 6 hours) before it is parked as dead.
    maxAttempts: 20,
  });
}

/** Tells every listener, one after the other (the worker's handler of DOMAIN_EVENTS_QUEUE). */
export async function tellDomainEventListeners(ctx: Context, event: DomainEvent): Promise<void> {
  for (const listener of [...(listeners.get(ctx.config) ?? [])]) await listener(event);
}

/** What an event is about: events of one subject are told in the order they were emitted. */
function subjectOf(event: DomainEvent): string {
  switch (event.type) {
    case "status.created":
    case "status.updated":
      return `status:${event.statusId}`;
    case "status.deleted":
      return `status:${event.status.id}`;
    case "status.reblogged":
      return `status:${event.reblogId}`;
    case "status.unreblogged":
      return `status:${event.reblog.id}`;
    case "status.favourited":
    case "status.unfavourited":
      return `favourite:${event.accountId}:${event.statusId}`;
    case "status.pinned":
    case "status.unpinned":
      return `pin:${event.accountId}:${event.statusId}`;
    case "follow.requested":
    case "follow.accepted":
    case "follow.rejected":
    case "follow.undone":
      return `follow:${event.followerId}:${event.targetId}`;
    case "block.created":
    case "block.removed":
      return `block:${event.accountId}:${event.targetId}`;
    case "account.updated":
    case "account.suspended":
    case "account.unsuspended":
    case "account.deleted":
      return `account:${event.accountId}`;
    case "poll.updated":
      return `status:${event.statusId}`;
    case "poll.voted":
      return `vote:${event.pollId}:${event.accountId}`;
    case "report.created":
      return `report:${event.reportId}`;
    case "filters.changed":
      return `filters:${event.accountId}`;
  }
}
