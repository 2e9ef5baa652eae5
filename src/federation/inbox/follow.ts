// Follow of a local account: followed at once, or held as a request when the account is
// locked. The Accept (now, or when the request is authorised) goes out through the domain's
// follow.accepted event (outbox/plans.ts), with the Follow's id stored on the row; a Follow
// that cannot be honoured (a block, a moved account) is answered with a Reject the same way.
import type { Follow } from "@fedify/vocab";
import { newId } from "../../db/ids.ts";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { findAccountByUri } from "../../domain/accounts/remote.ts";
import { DomainError } from "../../domain/errors.ts";
import { emitDomainEvent } from "../../domain/events.ts";
import { follow } from "../../domain/relationships/follow.ts";
import { Refusal } from "../remote/documents.ts";
import { type InboxEnv, ignored, type Outcome, stored } from "./env.ts";

export async function handleFollow(
  env: InboxEnv,
  activity: Follow,
  actor: AccountRow,
): Promise<Outcome> {
  const { kith } = env;
  const objectUri = activity.objectId?.href;
  if (!objectUri) throw new Refusal("a Follow without an object");
  const target = await findAccountByUri(kith, objectUri);
  // Relay subscriptions (as:Public) and follows of remote accounts or groups are not ours.
  if (!target || target.domain !== null) return ignored("the object is not a local account");
  if (target.suspended_at) return ignored("the local account is suspended");
  const uri = activity.id?.href ?? null;
  const facts = { followerId: actor.id, targetId: target.id, uri };
  const existing = await kith.db.kysely
    .selectFrom("follows")
    .select(["id", "uri"])
    .where("account_id", "=", actor.id)
    .where("target_account_id", "=", target.id)
    .executeTakeFirst();
  if (existing) {
    // Already following (the Accept may have been lost): accept this Follow again, as
    // Mastodon does; nothing changes here.
    if (uri && uri !== existing.uri)
      await emitDomainEvent(kith, { type: "follow.accepted", followId: existing.id, ...facts });
    return ignored("already following");
  }
  const pending = await kith.db.kysely
    .selectFrom("follow_requests")
    .select("id")
    .where("account_id", "=", actor.id)
    .where("target_account_id", "=", target.id)
    .executeTakeFirst();
  if (pending) return ignored("a follow request is pending already");
  try {
    const outcome = await follow(kith, actor.id, target.id, { uri });
    return outcome === "following"
      ? stored("following")
      : stored("follow request awaiting the account's approval");
  } catch (error) {
    if (!(error instanceof DomainError) || error.kind !== "forbidden") throw error;
    await emitDomainEvent(kith, { type: "follow.rejected", followId: newId(), ...facts });
    throw new Refusal(`follow rejected: ${error.message}`);
  }
}
