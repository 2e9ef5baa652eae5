// Carrying out a delivery plan: the activity is built (convert/outgoing.ts) and handed to
// Fedify's sendActivity, which signs it and enqueues one message per inbox, or one fan-out
// message for many, in Kith's database queue; the worker delivers them with retries. Loaded
// only when a plan exists, so it may import Fedify.
import type { RequestContext, SenderKeyPair } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import type { Context as KithContext } from "../../domain/context.ts";
import {
  type ActorUris,
  addressing,
  announceActivity,
  answerFollow,
  blockActivity,
  createActivity,
  deleteActivity,
  deleteActorActivity,
  featuredActivity,
  flagActivity,
  followActivity,
  likeActivity,
  pollUpdateActivity,
  toNote,
  undoActivity,
  undoAnnounceId,
  updateActivity,
  updateActorActivity,
  voteActivity,
} from "../convert/outgoing.ts";
import { kithFederation } from "../federation.ts";
import { instanceActorUri, instanceKeyId } from "../instance-actor.ts";
import { instanceKeyPairs } from "../keys.ts";
import { toRecipient } from "./audience.ts";
import type { Plan } from "./plans.ts";
import { loadNoteSources } from "./status-data.ts";

const withUndo = (id: URL | null) => new URL(`${id?.href}/undo`);

async function buildActivities(
  fctx: RequestContext<KithContext>,
  kith: KithContext,
  plan: Plan,
): Promise<Activity[]> {
  // A vote for several options is one Create(Note) per option, as Mastodon sends them.
  if (plan.kind === "vote") {
    const actor = fctx.getActorUri(plan.sender.username);
    return plan.votes.map((vote) => voteActivity(actor, vote, plan.poll));
  }
  const activity = await buildActivity(fctx, kith, plan);
  return activity ? [activity] : [];
}

async function buildActivity(
  fctx: RequestContext<KithContext>,
  kith: KithContext,
  plan: Exclude<Plan, { kind: "vote" }>,
): Promise<Activity | null> {
  const identifier = plan.sender.username;
  const actor: ActorUris = {
    id: fctx.getActorUri(identifier),
    followers: fctx.getFollowersUri(identifier),
  };
  switch (plan.kind) {
    case "create":
    case "update":
    case "update-poll": {
      const [source] = await loadNoteSources(kith, [plan.status]);
      if (!source) return null;
      const note = toNote(source, actor, kith.config.origin);
      if (plan.kind === "create") return createActivity(note, source, actor);
      if (plan.kind === "update") return updateActivity(note, source, actor);
      return source.poll ? pollUpdateActivity(note, source, actor) : null;
    }
    case "delete": {
      const mentions = plan.mentionUris.map((u) => new URL(u));
      const to = addressing(plan.status.visibility, actor.followers, mentions);
      return deleteActivity(plan.status.uri, actor.id, to);
    }
    case "announce":
    case "undo-announce": {
      const announce = announceActivity(plan.reblog, actor, plan.original);
      if (plan.kind === "announce") return announce;
      return undoActivity(announce, undoAnnounceId(actor.id, plan.reblog.id), actor.id, {
        tos: announce.toIds,
        ccs: announce.ccIds,
      });
    }
    case "like":
    case "undo-like": {
      const like = likeActivity(actor.id, plan.favouriteId, plan.object);
      if (plan.kind === "like") return like;
      return undoActivity(like, withUndo(like.id), actor.id, { tos: like.toIds });
    }
    case "follow":
    case "undo-follow": {
      const follow = followActivity(plan.followUri, actor.id, new URL(plan.objectUri));
      if (plan.kind === "follow") return follow;
      return undoActivity(follow, withUndo(follow.id), actor.id, { tos: [follow.objectId!] });
    }
    case "accept":
    case "reject":
      return answerFollow(plan.kind, actor.id, plan);
    case "block":
    case "undo-block": {
      const block = blockActivity(actor.id, plan, new URL(plan.objectUri));
      if (plan.kind === "block") return block;
      return undoActivity(block, withUndo(block.id), actor.id, { tos: block.toIds });
    }
    case "delete-actor":
      return deleteActorActivity(actor.id);
    case "update-actor": {
      const person = await fctx.getActor(identifier);
      return person ? updateActorActivity(person, actor) : null;
    }
    case "add":
    case "remove":
      return featuredActivity(plan.kind, actor, fctx.getFeaturedUri(identifier), plan.statusUri);
    case "flag":
      return flagActivity(new URL(plan.sender.uri), plan);
  }
}

export async function deliver(kith: KithContext, plan: Plan): Promise<void> {
  // A request context, so that the actor dispatcher can build the Person for Update.
  const fctx = kithFederation(kith).createContext(new Request(kith.config.origin), kith);
  const sender = plan.sender.instance
    ? await instanceSigner(kith)
    : { identifier: plan.sender.username };
  for (const activity of await buildActivities(fctx, kith, plan)) {
    await fctx.sendActivity(sender, plan.recipients.map(toRecipient), activity, {
      preferSharedInbox: plan.shared,
      orderingKey: plan.orderingKey,
    });
  }
}

/** The instance actor's keys, as Fedify signs with them (it is no dispatched actor). */
async function instanceSigner(kith: KithContext): Promise<SenderKeyPair[]> {
  const [rsa, ed25519] = await instanceKeyPairs(kith);
  const uri = instanceActorUri(kith.config.origin);
  return [
    { keyId: new URL(instanceKeyId(kith.config.origin)), privateKey: rsa!.privateKey },
    { keyId: new URL(`${uri}#ed25519-key`), privateKey: ed25519!.privateKey },
  ];
}
