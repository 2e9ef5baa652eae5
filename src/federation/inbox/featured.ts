// Add and Remove with the actor's featured collection as target: pinning and unpinning one of
// its own statuses. Other targets (Lemmy's moderators collection) are ignored.
import type { Add, Remove } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { setRemotePin } from "../../domain/statuses/remote-interactions.ts";
import { Refusal } from "../remote/documents.ts";
import { knownStatus, resolveStatus } from "../remote/statuses.ts";
import { type InboxEnv, ignored, type Outcome, stored } from "./env.ts";

async function pin(env: InboxEnv, activity: Add | Remove, actor: AccountRow, pinned: boolean) {
  const uri = activity.objectId?.href;
  if (!uri) throw new Refusal("nothing to pin or unpin");
  if (!activity.targetId || activity.targetId.href !== actor.featured_url)
    return ignored("the target is not the actor's featured collection");
  const status = pinned ? await resolveStatus(env, uri) : await knownStatus(env, uri);
  if (!status) return ignored("an unknown status");
  if (status.account_id !== actor.id) throw new Refusal("only one's own statuses can be pinned");
  return (await setRemotePin(env.kith, actor.id, status.id, pinned))
    ? stored(pinned ? "pinned" : "unpinned")
    : ignored(pinned ? "pinned already" : "not pinned");
}

export const handleAdd = (env: InboxEnv, activity: Add, actor: AccountRow): Promise<Outcome> =>
  pin(env, activity, actor, true);

export const handleRemove = (
  env: InboxEnv,
  activity: Remove,
  actor: AccountRow,
): Promise<Outcome> => pin(env, activity, actor, false);
