// Move of an account to a new one (federation.md §9): signed by the old account (Fedify checks
// that the key's owner is the actor), `object` is the actor itself, the target is another
// account, and the target, fetched afresh, names the old account in `alsoKnownAs`. Then local
// followers follow the new account. A repeated Move changes nothing.
import type { Move } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { moveRemoteAccount } from "../../domain/accounts/remote-lifecycle.ts";
import { aliasesOf, resolveActor } from "../remote/actors.ts";
import { Refusal } from "../remote/documents.ts";
import { type InboxEnv, ignored, type Outcome, stored } from "./env.ts";

export async function handleMove(
  env: InboxEnv,
  activity: Move,
  actor: AccountRow,
): Promise<Outcome> {
  const object = activity.objectId?.href;
  const targetUri = activity.targetId?.href;
  if (object !== actor.uri) throw new Refusal("a Move must move its own actor");
  if (!targetUri) throw new Refusal("a Move without a target");
  if (targetUri === object) throw new Refusal("a Move to itself");
  const target = await resolveActor(env, targetUri, { refresh: true, followMove: false });
  if (!aliasesOf(target).includes(actor.uri))
    throw new Refusal("the target does not name the account in alsoKnownAs");
  const { marked, moved } = await moveRemoteAccount(env.kith, actor.id, target.id);
  if (!marked && moved === 0) return ignored("moved already");
  return stored(`moved; ${moved} local follower(s) follow the new account`);
}
