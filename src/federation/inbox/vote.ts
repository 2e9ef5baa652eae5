// A vote in a local poll from another server: Create(Note) named after the chosen option, in
// reply to the poll's Question, without content, addressed to the poll's author (Mastodon,
// GoToSocial, Pleroma alike; one Note per option). Counted once per voter and option, only
// while the poll is open and from those who may see it; never shown as a status. Votes in
// polls that are not ours are ignored: their own server counts them.
import type { Object as APObject } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { receiveRemoteVote } from "../../domain/polls/votes.ts";
import { canSee } from "../../domain/visibility.ts";
import { addressees } from "../convert/addressing.ts";
import { audienceOf, clean, LIMITS } from "../convert/incoming.ts";
import { knownStatus } from "../remote/statuses.ts";
import { type InboxEnv, ignored, type Outcome, stored } from "./env.ts";

export async function handleVote(
  env: InboxEnv,
  note: APObject,
  actor: AccountRow,
): Promise<Outcome> {
  const uri = note.id?.href;
  const inReplyTo = note.replyTargetId?.href;
  if (!uri || !inReplyTo) return ignored("a poll vote without an id or a poll");
  const status = await knownStatus(env, inReplyTo);
  if (status?.local !== 1) return ignored("a poll vote in a poll not hosted here");
  // A followers-only or direct poll counts the votes of those it was shown to, no others.
  const voter = {
    accountId: actor.id,
    userId: "",
    username: actor.username,
    role: "user" as const,
  };
  if (!(await canSee(env.kith, voter, status)))
    return ignored("a poll vote by someone the poll was not shown to");
  const author = await env.kith.db.kysely
    .selectFrom("accounts")
    .select("uri")
    .where("id", "=", status.account_id)
    .executeTakeFirst();
  if (!author || !addressees(audienceOf(note)).includes(author.uri))
    return ignored("a poll vote not addressed to the poll's author");
  const refused = await receiveRemoteVote(env.kith, {
    statusId: status.id,
    accountId: actor.id,
    optionName: clean(note.name, LIMITS.pollOptionChars).trim(),
    uri,
  });
  return refused ? ignored(`poll vote not counted: ${refused}`) : stored("poll vote counted");
}
