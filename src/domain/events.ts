// Domain events: what just happened, told after the change is committed to whoever listens in
// this process. The federation layer listens and turns events into deliveries; the domain
// itself knows nothing of who listens or of ActivityPub.
//
// Listeners are keyed by the configuration object, which every Context of one Kith shares
// (transaction contexts copy `db` but keep `config`), so two Kiths in one process (tests)
// never hear each other. Emitting waits for the listeners, so a delivery is queued before the
// client is answered; a listener that fails is logged and never fails the action.
import type { Config } from "../config.ts";
import { logger } from "../logging.ts";
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
  /** A local poll's tallies changed (or it ended): its Question goes out again. */
  | { type: "poll.updated"; statusId: string }
  /** A local account voted in a poll (`voteIds`: its new poll_votes rows). */
  | { type: "poll.voted"; pollId: string; accountId: string; voteIds: string[] }
  /** A local user reported a remote account and asked for the report to be forwarded to
   *  these servers (the reported account's own and those it replied to). */
  | { type: "report.created"; reportId: string; forwardToDomains: string[] };

export type DomainEventListener = (event: DomainEvent) => Promise<void> | void;

const log = logger("events");
const listeners = new WeakMap<Config, Set<DomainEventListener>>();

/** Listens to the events of the Kith that `ctx` belongs to; returns the way to stop. */
export function onDomainEvent(ctx: Context, listener: DomainEventListener): () => void {
  let set = listeners.get(ctx.config);
  if (!set) listeners.set(ctx.config, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

/** Tells every listener, one after the other; call it only once the change is committed. */
export async function emitDomainEvent(ctx: Context, event: DomainEvent): Promise<void> {
  const set = listeners.get(ctx.config);
  if (!set) return;
  for (const listener of [...set]) {
    try {
      await listener(event);
    } catch (error) {
      log.error("A listener of {type} failed: {error}", { type: event.type, error });
    }
  }
}
