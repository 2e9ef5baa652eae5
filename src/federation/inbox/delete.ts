// Delete of a status (by id or Tombstone) or of the actor itself. Only the author, or a
// moderator of the status's own server, may delete a remote status; nobody elsewhere may delete
// a local one. A tombstone is kept so that a Create arriving later is ignored.
import type { Delete } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { deleteRemoteAccount } from "../../domain/accounts/remote-lifecycle.ts";
import { addTombstone, deleteStatusRow, findStatusByUri } from "../../domain/statuses/receive.ts";
import { sameHost } from "../convert/addressing.ts";
import { Refusal } from "../remote/documents.ts";
import { type InboxEnv, ignored, type Outcome, stored } from "./env.ts";

export async function handleDelete(
  env: InboxEnv,
  activity: Delete,
  actor: AccountRow,
): Promise<Outcome> {
  const { kith } = env;
  const uri = activity.objectId?.href;
  if (!uri) throw new Refusal("a Delete without an object");
  if (uri === actor.uri) {
    return (await deleteRemoteAccount(kith, actor.id))
      ? stored("account and its content deleted")
      : ignored("the account is gone already");
  }
  const found = await findStatusByUri(kith, uri);
  const status = found?.uri === uri ? found : null; // by its id, not its web page
  if (!status) {
    if (!sameHost(uri, actor.uri)) throw new Refusal("may not delete objects of another host");
    await addTombstone(kith, uri, actor.uri);
    return ignored("an unknown object (tombstone kept)");
  }
  const owner = status.account_id === actor.id;
  const moderator = status.local === 0 && sameHost(status.uri, actor.uri);
  if (!owner && !moderator) throw new Refusal("only the author or its server may delete it");
  await deleteStatusRow(kith, status);
  await addTombstone(kith, status.uri, actor.uri);
  return stored(status.reblog_of_id ? "boost deleted" : "status deleted");
}
