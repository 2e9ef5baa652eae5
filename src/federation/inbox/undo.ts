// Undo of a Follow, Like (or EmojiReact), Announce or Block. The undone activity is found by
// its id first (it may be given only by id: mastodon/undo-like-object-by-id.json), and only
// among the Undo's actor's own doings, which is how "the actor of the Undo must be the actor of
// the undone activity" holds. An embedded copy only helps when the id is unknown.
import { Announce, Block, EmojiReact, Follow, Like, type Undo } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { findAccountByUri } from "../../domain/accounts/remote.ts";
import { followWithdrawn, withdrawBlock } from "../../domain/relationships/remote.ts";
import { findStatusByUri } from "../../domain/statuses/receive.ts";
import { withdrawFavourite, withdrawReblog } from "../../domain/statuses/remote-interactions.ts";
import { Refusal } from "../remote/documents.ts";
import { embeddedObject, type InboxEnv, ignored, type Outcome, stored } from "./env.ts";

type Kind = "follow" | "favourite" | "reblog" | "block";

async function undoById(env: InboxEnv, actor: AccountRow, uri: string): Promise<Kind | null> {
  const { kith } = env;
  if (await withdrawFavourite(kith, actor.id, { uri })) return "favourite";
  if (await withdrawReblog(kith, actor.id, { uri })) return "reblog";
  if (await followWithdrawn(kith, actor.id, { uri })) return "follow";
  if (await withdrawBlock(kith, actor.id, { uri })) return "block";
  return null;
}

/** By what the embedded activity names, when its id matched nothing. */
async function undoByObject(
  env: InboxEnv,
  actor: AccountRow,
  undone: Follow | Like | EmojiReact | Announce | Block,
): Promise<Kind | null> {
  const { kith } = env;
  const target = undone.objectId?.href;
  if (!target) return null;
  if (undone instanceof Follow || undone instanceof Block) {
    const account = await findAccountByUri(kith, target);
    if (!account) return null;
    if (undone instanceof Follow)
      return (await followWithdrawn(kith, actor.id, { targetId: account.id })) ? "follow" : null;
    return (await withdrawBlock(kith, actor.id, { targetId: account.id })) ? "block" : null;
  }
  const status = await findStatusByUri(kith, target);
  if (!status) return null;
  if (undone instanceof Announce)
    return (await withdrawReblog(kith, actor.id, { originalId: status.id })) ? "reblog" : null;
  return (await withdrawFavourite(kith, actor.id, { statusId: status.id })) ? "favourite" : null;
}

export async function handleUndo(
  env: InboxEnv,
  activity: Undo,
  actor: AccountRow,
): Promise<Outcome> {
  const uri = activity.objectId?.href;
  if (!uri) throw new Refusal("an Undo without an object");
  const embedded = await embeddedObject(env, activity);
  const undoable =
    embedded instanceof Follow ||
    embedded instanceof Like ||
    embedded instanceof EmojiReact ||
    embedded instanceof Announce ||
    embedded instanceof Block;
  if (undoable && embedded.actorId && embedded.actorId.href !== actor.uri)
    throw new Refusal("the Undo's actor is not the actor of the undone activity");
  const kind =
    (await undoById(env, actor, uri)) ??
    (undoable ? await undoByObject(env, actor, embedded) : null);
  return kind ? stored(`${kind} undone`) : ignored("nothing of this actor's matches");
}
