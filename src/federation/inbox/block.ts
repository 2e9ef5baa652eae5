// Block of a local account by a remote one: follows end both ways, and the visibility rule
// hides each from the other. A Lemmy community ban (a Block with a `target` community) is not
// a personal block and is ignored.
import type { Block } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { findAccountByUri } from "../../domain/accounts/remote.ts";
import { receiveBlock } from "../../domain/relationships/remote.ts";
import { Refusal } from "../remote/documents.ts";
import { type InboxEnv, ignored, type Outcome, stored } from "./env.ts";

export async function handleBlock(
  env: InboxEnv,
  activity: Block,
  actor: AccountRow,
): Promise<Outcome> {
  const uri = activity.objectId?.href;
  if (!uri) throw new Refusal("a Block without an object");
  if (activity.targetId) return ignored("a ban from a community, not a personal block");
  const target = await findAccountByUri(env.kith, uri);
  if (!target || target.domain !== null) return ignored("the object is not a local account");
  return (await receiveBlock(env.kith, actor.id, target.id, activity.id?.href ?? null))
    ? stored("block")
    : ignored("blocked already");
}
