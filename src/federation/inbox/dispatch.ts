// One activity through its handler: the actor is resolved (fetched when unknown or stale),
// the handler for its type runs, and the result becomes an outcome. A Refusal, or a remote
// document that is not there, refuses the activity for good; a remote server that does not
// answer (network, 5xx, 429) throws, so that the queue tries again later.
import {
  Accept,
  type Activity,
  Add,
  Announce,
  Block,
  Create,
  Delete,
  EmojiReact,
  Flag,
  Follow,
  getTypeId,
  Like,
  Move,
  Reject,
  Remove,
  Undo,
  Update,
} from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { policyFor } from "../../domain/moderation/domain-policy.ts";
import { hostOf, recordHostsHeardFrom } from "../outbox/availability.ts";
import { resolveActor } from "../remote/actors.ts";
import { Refusal } from "../remote/documents.ts";
import { RemoteError } from "../remote/loader.ts";
import { handleAccept, handleReject } from "./accept-reject.ts";
import { handleAnnounce, type Relay } from "./announce.ts";
import { handleBlock } from "./block.ts";
import { handleCreate } from "./create.ts";
import { handleDelete } from "./delete.ts";
import type { InboxEnv, Outcome, ReportedOutcome } from "./env.ts";
import { handleAdd, handleRemove } from "./featured.ts";
import { handleFlag } from "./flag.ts";
import { handleFollow } from "./follow.ts";
import { handleEmojiReact, handleLike } from "./like.ts";
import { handleMove } from "./move.ts";
import { handleUndo } from "./undo.ts";
import { handleUpdate } from "./update.ts";

type Handler = (
  env: InboxEnv & { relay?: Relay },
  activity: never,
  actor: AccountRow,
) => Promise<Outcome>;

/** The activity types with a handler; Fedify routes each to `processActivity`. */
// biome-ignore lint/suspicious/noExplicitAny: Fedify's listener registry takes any constructor
export const HANDLERS: [new (...args: any[]) => Activity, Handler][] = [
  [Follow, handleFollow],
  [Accept, handleAccept],
  [Reject, handleReject],
  [Undo, handleUndo],
  [Create, handleCreate],
  [Update, handleUpdate],
  [Delete, handleDelete],
  [Like, handleLike],
  [EmojiReact, handleEmojiReact],
  [Announce, handleAnnounce],
  [Block, handleBlock],
  [Flag, handleFlag],
  [Move, handleMove],
  [Add, handleAdd],
  [Remove, handleRemove],
];

export function typeName(activity: Activity): string {
  const id = getTypeId(activity).href;
  return id.slice(Math.max(id.lastIndexOf("#"), id.lastIndexOf("/")) + 1);
}

/** Would another attempt later help? (The server did not answer, or answered 5xx/429.) */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof RemoteError)) return false;
  return error.status === null || error.status === 429 || error.status >= 500;
}

async function recordActorAnswered(kith: InboxEnv["kith"], actor: AccountRow): Promise<void> {
  const inboxes = [actor.inbox_url, actor.shared_inbox_url].flatMap((u) => (u ? [u] : []));
  await recordHostsHeardFrom(kith, inboxes.map(hostOf));
}

async function handle(env: InboxEnv, activity: Activity, depth: number): Promise<Outcome> {
  const entry = HANDLERS.find(([type]) => activity instanceof type);
  if (!entry) return { result: "ignored", reason: `${typeName(activity)} is not handled` };
  const actorUri = activity.actorId?.href;
  if (!actorUri) throw new Refusal("no actor");
  // Queued before its server was blocked, or relayed by a Group: refused all the same.
  const policy = await policyFor(env.kith, new URL(actorUri).host);
  if (!policy.federates) return { result: "ignored", reason: "the actor's server is blocked here" };
  if (activity instanceof Flag && policy.rejectsReports)
    return { result: "ignored", reason: "reports from the actor's server are rejected here" };
  const actor = await resolveActor(env, actorUri);
  if (actor.domain === null) throw new Refusal("a remote activity in the name of a local account");
  // Suspended by its own server, it may still say so no longer (Update) or go (Delete).
  const selfSuspended =
    actor.suspension_origin === "remote" &&
    (activity instanceof Update || activity instanceof Delete);
  if (actor.suspended_at && !selfSuspended)
    return { result: "ignored", reason: "the actor is suspended here" };
  // Its server is up: deliveries to it need no longer be skipped (not so for a relayed one).
  if (depth === 0) await recordActorAnswered(env.kith, actor);
  // A Group's announced activities are handled once, never announcements within them.
  const relay: Relay | undefined =
    depth === 0 ? (inner) => handle({ ...env, relayedBy: actor }, inner, depth + 1) : undefined;
  return entry[1]({ ...env, relay }, activity as never, actor);
}

/** Handles one activity; the outcome says what happened and why. Transient failures throw. */
export async function processActivity(env: InboxEnv, activity: Activity): Promise<ReportedOutcome> {
  const report = {
    type: typeName(activity),
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
  };
  try {
    return { ...report, ...(await handle(env, activity, 0)) };
  } catch (error) {
    if (error instanceof Refusal) return { ...report, result: "refused", reason: error.message };
    if (error instanceof RemoteError && !isTransient(error))
      return { ...report, result: "refused", reason: error.message };
    throw error;
  }
}
