// From a domain event to a delivery plan: which local account sends what to which remote
// accounts. An event that concerns nobody remote gives no plan, so Fedify is never loaded for
// it. Recipients follow Mastodon's StatusReachFinder: followers (except for direct posts),
// mentioned accounts, and for public and unlisted replies the replied-to account (or, when it
// is local, its remote followers); single-target activities go to that one account. Accounts
// on unavailable hosts (availability.ts) are left out, as Mastodon skips unavailable domains.
import type { Context } from "../../domain/context.ts";
import type { DomainEvent, FollowFacts } from "../../domain/events.ts";
import { isSuspendedUrl } from "../../domain/moderation/domain-policy.ts";
import { reportedStatusRows } from "../../domain/reports/snapshots.ts";
import type { StatusRow } from "../../domain/statuses/queries.ts";
import {
  accountRefs,
  type LocalSender,
  localSender,
  mentionedAccountIds,
  type RemoteRecipient,
  remoteAccounts,
  remoteFollowers,
  uniqueRecipients,
} from "./audience.ts";
import { hostOf, unavailableHosts } from "./availability.ts";
import { instanceSender } from "./instance-sender.ts";

interface PlanBase {
  sender: LocalSender;
  recipients: RemoteRecipient[];
  /** Prefer each server's shared inbox (statuses and profile changes, as Mastodon). */
  shared: boolean;
  /** Keeps e.g. a Create ahead of its Delete, per receiving server. */
  orderingKey: string;
}

export interface ObjectRef {
  uri: string;
  authorUri: string;
}

export interface VoteRef {
  id: string;
  /** the chosen option's title */
  name: string;
  createdAt: string;
}

export type Plan = PlanBase &
  (
    | { kind: "create" | "update" | "update-poll"; status: StatusRow }
    | { kind: "vote"; votes: VoteRef[]; poll: { statusUri: string; authorUri: string } }
    | { kind: "delete"; status: StatusRow; mentionUris: string[] }
    | { kind: "announce" | "undo-announce"; reblog: StatusRow; original: ObjectRef }
    | { kind: "like" | "undo-like"; favouriteId: string; object: ObjectRef }
    | { kind: "add" | "remove"; statusUri: string }
    | { kind: "follow" | "undo-follow"; followId: string; followUri: string; objectUri: string }
    | { kind: "accept" | "reject"; followId: string; followUri: string; followerUri: string }
    | { kind: "block" | "undo-block"; blockId: string; blockUri: string | null; objectUri: string }
    | { kind: "update-actor" | "delete-actor" }
    | { kind: "flag"; flagUri: string; comment: string; objectUris: string[] }
  );

const listed = (v: string) => v === "public" || v === "unlisted";

async function statusRow(ctx: Context, id: string): Promise<StatusRow | null> {
  const row = await ctx.db.kysely
    .selectFrom("statuses")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  return row ?? null;
}

async function objectRef(ctx: Context, status: StatusRow): Promise<ObjectRef | null> {
  const author = (await accountRefs(ctx, [status.account_id])).get(status.account_id);
  return author ? { uri: status.uri, authorUri: author.uri } : null;
}

/** Everyone who gets a local status (and later its Update and Delete). */
async function statusRecipients(
  ctx: Context,
  status: StatusRow,
  mentionIds: readonly string[],
): Promise<RemoteRecipient[]> {
  const lists = [await remoteAccounts(ctx, mentionIds)];
  if (status.visibility !== "direct") lists.push(await remoteFollowers(ctx, status.account_id));
  const parentAuthor = status.in_reply_to_account_id;
  if (listed(status.visibility) && parentAuthor && parentAuthor !== status.account_id) {
    const remote = await remoteAccounts(ctx, [parentAuthor]);
    lists.push(remote.length > 0 ? remote : await remoteFollowers(ctx, parentAuthor));
  }
  return uniqueRecipients(...lists);
}

async function statusPlan(
  ctx: Context,
  kind: "create" | "update" | "update-poll",
  statusId: string,
): Promise<Plan | null> {
  const status = await statusRow(ctx, statusId);
  if (status?.local !== 1 || status.reblog_of_id) return null;
  const sender = await localSender(ctx, status.account_id);
  if (!sender) return null;
  const mentions = await mentionedAccountIds(ctx, status.id);
  let recipients = await statusRecipients(ctx, status, mentions);
  // New tallies reach the remote voters too (Mastodon's DistributePollUpdateWorker); those of
  // a private poll are among its followers or mentioned already.
  if (kind === "update-poll" && listed(status.visibility))
    recipients = uniqueRecipients(
      recipients,
      await remoteAccounts(ctx, await pollVoterIds(ctx, status.id)),
    );
  return { kind, status, sender, recipients, shared: true, orderingKey: status.uri };
}

async function pollVoterIds(ctx: Context, statusId: string): Promise<string[]> {
  const rows = await ctx.db.kysely
    .selectFrom("poll_votes")
    .innerJoin("polls", "polls.id", "poll_votes.poll_id")
    .select("poll_votes.account_id")
    .distinct()
    .where("polls.status_id", "=", statusId)
    .execute();
  return rows.map((r) => r.account_id);
}

/** A local account's votes in a remote poll, to the poll's author alone. */
async function votePlan(
  ctx: Context,
  event: { pollId: string; accountId: string; voteIds: string[] },
): Promise<Plan | null> {
  const sender = await localSender(ctx, event.accountId);
  const poll = await ctx.db.kysely
    .selectFrom("polls")
    .innerJoin("statuses", "statuses.id", "polls.status_id")
    .select(["polls.options", "polls.account_id", "statuses.uri"])
    .where("polls.id", "=", event.pollId)
    .executeTakeFirst();
  if (!sender || !poll || event.voteIds.length === 0) return null;
  const recipients = await remoteAccounts(ctx, [poll.account_id]);
  const author = recipients[0];
  if (!author) return null;
  const options = JSON.parse(poll.options) as string[];
  const rows = await ctx.db.kysely
    .selectFrom("poll_votes")
    .select(["id", "choice", "created_at"])
    .where("id", "in", event.voteIds)
    .orderBy("choice")
    .execute();
  const votes = rows.map((v) => ({
    id: v.id,
    name: options[Number(v.choice)] ?? "",
    createdAt: v.created_at,
  }));
  const orderingKey = `${sender.uri} vote ${poll.uri}`;
  return {
    kind: "vote",
    votes,
    poll: { statusUri: poll.uri, authorUri: author.uri },
    sender,
    recipients,
    shared: false,
    orderingKey,
  };
}

async function reblogPlan(
  ctx: Context,
  kind: "announce" | "undo-announce",
  reblog: StatusRow,
): Promise<Plan | null> {
  if (reblog.local !== 1 || !reblog.reblog_of_id) return null;
  const sender = await localSender(ctx, reblog.account_id);
  const originalRow = await statusRow(ctx, reblog.reblog_of_id);
  const original = originalRow && (await objectRef(ctx, originalRow));
  if (!sender || !originalRow || !original) return null;
  const recipients = uniqueRecipients(
    await remoteFollowers(ctx, sender.id),
    await remoteAccounts(ctx, [originalRow.account_id]),
  );
  const orderingKey = `${sender.uri} announce ${original.uri}`;
  return { kind, reblog, original, sender, recipients, shared: true, orderingKey };
}

async function favouritePlan(
  ctx: Context,
  kind: "like" | "undo-like",
  event: { favouriteId: string; accountId: string; statusId: string },
): Promise<Plan | null> {
  const sender = await localSender(ctx, event.accountId);
  const status = await statusRow(ctx, event.statusId);
  if (!sender || !status) return null;
  const recipients = await remoteAccounts(ctx, [status.account_id]);
  const object = await objectRef(ctx, status);
  if (!object) return null;
  const orderingKey = `${sender.uri} like ${object.uri}`;
  const { favouriteId } = event;
  return { kind, favouriteId, object, sender, recipients, shared: false, orderingKey };
}

async function pinPlan(
  ctx: Context,
  kind: "add" | "remove",
  event: { accountId: string; statusId: string },
): Promise<Plan | null> {
  const sender = await localSender(ctx, event.accountId);
  const status = await statusRow(ctx, event.statusId);
  if (!sender || !status) return null;
  const recipients = await remoteFollowers(ctx, sender.id);
  const orderingKey = `${sender.uri} pin ${status.uri}`;
  return { kind, statusUri: status.uri, sender, recipients, shared: true, orderingKey };
}

/** The local and the remote side of a follow; null unless `local` is local and `remote` not. */
async function followSides(
  ctx: Context,
  localId: string,
  remoteId: string,
  options: { evenSuspended?: boolean } = {},
) {
  const sender = await localSender(ctx, localId);
  const [remote] = await remoteAccounts(ctx, [remoteId], options);
  return sender && remote ? { sender, remote } : null;
}

async function followPlan(
  ctx: Context,
  kind: "follow" | "undo-follow" | "accept" | "reject",
  facts: FollowFacts,
): Promise<Plan | null> {
  const outgoing = kind === "follow" || kind === "undo-follow";
  const sides = outgoing
    ? await followSides(ctx, facts.followerId, facts.targetId)
    : // A suspended remote follower is still told its follow is over (Mastodon's
      // SuspendAccountService rejects them).
      await followSides(ctx, facts.targetId, facts.followerId, {
        evenSuspended: kind === "reject",
      });
  if (!sides) return null;
  const { sender, remote } = sides;
  const base = {
    sender,
    recipients: [remote],
    shared: false,
    orderingKey: outgoing
      ? `${sender.uri} follow ${remote.uri}`
      : `${remote.uri} follow ${sender.uri}`,
    followId: facts.followId,
  };
  if (outgoing) {
    // Follows from before federation have no id stored; Mastodon derives one the same way.
    const followUri = facts.uri ?? `${sender.uri}/follows/${facts.followId}`;
    return { ...base, kind, followUri, objectUri: remote.uri };
  }
  // Answering a remote Follow needs its id: without one there is nothing to answer.
  if (!facts.uri) return null;
  return { ...base, kind, followUri: facts.uri, followerUri: remote.uri };
}

/**
 * A forwarded report (Mastodon's ReportService): a Flag from the server, never the reporter,
 * naming the account and the reported statuses, to the account's server when the report was
 * forwarded, and to the servers among `forwardToDomains` whose accounts the statuses replied to.
 */
async function flagPlan(
  ctx: Context,
  reportId: string,
  forwardToDomains: readonly string[],
): Promise<Plan | null> {
  const report = await ctx.db.kysely
    .selectFrom("reports")
    .selectAll()
    .where("id", "=", reportId)
    .executeTakeFirst();
  const target =
    report && (await accountRefs(ctx, [report.target_account_id])).get(report.target_account_id);
  if (!report?.uri || !target || target.domain === null) return null;
  const statuses = await reportedStatusRows(ctx, report.id);
  const repliedTo = await accountRefs(
    ctx,
    statuses.flatMap((s) => s.in_reply_to_account_id ?? []),
  );
  const domains = new Set(forwardToDomains);
  const repliedToIds = [...repliedTo.values()]
    .filter((a) => a.domain !== null && domains.has(a.domain.toLowerCase()) && a.id !== target.id)
    .map((a) => a.id);
  const origin = report.forwarded === 1 ? await remoteAccounts(ctx, [target.id]) : [];
  const recipients = uniqueRecipients(origin, await remoteAccounts(ctx, repliedToIds));
  if (recipients.length === 0) return null;
  const sender = instanceSender(ctx);
  return {
    kind: "flag",
    flagUri: report.uri,
    comment: report.comment,
    objectUris: [target.uri, ...statuses.map((s) => s.uri)],
    sender,
    recipients,
    shared: true,
    orderingKey: report.uri,
  };
}

export async function planDelivery(ctx: Context, event: DomainEvent): Promise<Plan | null> {
  let plan: Plan | null = null;
  switch (event.type) {
    case "status.created":
      plan = await statusPlan(ctx, "create", event.statusId);
      break;
    case "status.updated":
      plan = await statusPlan(ctx, "update", event.statusId);
      break;
    case "poll.updated":
      plan = await statusPlan(ctx, "update-poll", event.statusId);
      break;
    case "poll.voted":
      plan = await votePlan(ctx, event);
      break;
    case "status.deleted": {
      const { status, mentionedAccountIds: mentionIds } = event;
      if (status.reblog_of_id) {
        plan = await reblogPlan(ctx, "undo-announce", status);
        break;
      }
      const sender = status.local === 1 ? await localSender(ctx, status.account_id) : null;
      if (!sender) break;
      const recipients = await statusRecipients(ctx, status, mentionIds);
      const refs = await accountRefs(ctx, mentionIds);
      const mentionUris = mentionIds.flatMap((id) => refs.get(id)?.uri ?? []);
      const orderingKey = status.uri;
      plan = { kind: "delete", status, mentionUris, sender, recipients, shared: true, orderingKey };
      break;
    }
    case "status.reblogged": {
      const reblog = await statusRow(ctx, event.reblogId);
      plan = reblog && (await reblogPlan(ctx, "announce", reblog));
      break;
    }
    case "status.unreblogged":
      plan = await reblogPlan(ctx, "undo-announce", event.reblog);
      break;
    case "status.favourited":
      plan = await favouritePlan(ctx, "like", event);
      break;
    case "status.unfavourited":
      plan = await favouritePlan(ctx, "undo-like", event);
      break;
    case "status.pinned":
      plan = await pinPlan(ctx, "add", event);
      break;
    case "status.unpinned":
      plan = await pinPlan(ctx, "remove", event);
      break;
    case "follow.requested":
      plan = await followPlan(ctx, "follow", event);
      break;
    case "follow.undone":
      plan = await followPlan(ctx, "undo-follow", event);
      break;
    case "follow.accepted":
      plan = await followPlan(ctx, "accept", event);
      break;
    case "follow.rejected":
      plan = await followPlan(ctx, "reject", event);
      break;
    case "block.created":
    case "block.removed": {
      const sides = await followSides(ctx, event.accountId, event.targetId);
      if (!sides) break;
      plan = {
        kind: event.type === "block.created" ? "block" : "undo-block",
        blockId: event.blockId,
        blockUri: event.uri,
        objectUri: sides.remote.uri,
        sender: sides.sender,
        recipients: [sides.remote],
        shared: false,
        orderingKey: `${sides.sender.uri} block ${sides.remote.uri}`,
      };
      break;
    }
    case "account.updated": {
      const sender = await localSender(ctx, event.accountId);
      if (!sender) break;
      const recipients = await remoteFollowers(ctx, sender.id);
      plan = { kind: "update-actor", sender, recipients, shared: true, orderingKey: sender.uri };
      break;
    }
    case "account.suspended":
    case "account.unsuspended": {
      // Mastodon's Update of the actor, which says `suspended` (or no longer does).
      const sender = await localSender(ctx, event.accountId, { evenDeleted: true });
      if (!sender) break;
      const recipients = await remoteFollowers(ctx, sender.id);
      plan = { kind: "update-actor", sender, recipients, shared: true, orderingKey: sender.uri };
      break;
    }
    case "account.deleted": {
      // The account is a tombstone now, but still signs its own Delete (keys are kept).
      const sender = await localSender(ctx, event.accountId, { evenDeleted: true });
      if (!sender) break;
      const recipients = await remoteAccounts(ctx, event.remoteAccountIds);
      plan = { kind: "delete-actor", sender, recipients, shared: true, orderingKey: sender.uri };
      break;
    }
    case "report.created":
      plan = await flagPlan(ctx, event.reportId, event.forwardToDomains);
      break;
  }
  if (!plan || plan.recipients.length === 0) return null;
  const allowed = await withoutBlocked(ctx, plan.recipients);
  const recipients = await withoutUnavailable(ctx, allowed, plan.shared);
  return recipients.length > 0 ? { ...plan, recipients } : null;
}

/** Nothing goes to a server the federation policy cuts off (domain-policy.ts), whichever
 * of the recipient's actor, inbox or shared inbox is on it. */
async function withoutBlocked(
  ctx: Context,
  recipients: RemoteRecipient[],
): Promise<RemoteRecipient[]> {
  const kept: RemoteRecipient[] = [];
  for (const r of recipients) {
    const urls = [r.uri, r.inbox, ...(r.sharedInbox ? [r.sharedInbox] : [])];
    let blocked = false;
    for (const url of urls) if (await isSuspendedUrl(ctx, url)) blocked = true;
    if (!blocked) kept.push(r);
  }
  return kept;
}

async function withoutUnavailable(
  ctx: Context,
  recipients: RemoteRecipient[],
  shared: boolean,
): Promise<RemoteRecipient[]> {
  const unavailable = await unavailableHosts(ctx);
  if (unavailable.size === 0) return recipients;
  // The inbox Fedify will post to: the shared one when preferred and offered.
  const inboxOf = (r: RemoteRecipient) => (shared && r.sharedInbox) || r.inbox;
  return recipients.filter((r) => !unavailable.has(hostOf(inboxOf(r))));
}
