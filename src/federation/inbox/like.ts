// Like, and EmojiReact, of a local status: a favourite with its notification.
//
// Misskey and its forks send reactions as a Like carrying `_misskey_reaction`/`content`;
// Mastodon counts those as plain favourites, and so does Kith. Pleroma and Akkoma send
// reactions as EmojiReact, which Mastodon drops. Kith has no reactions of its own, so it
// treats a valid EmojiReact exactly like a Misskey reaction: as a favourite, whichever server
// it comes from. Valid means exactly one emoji (one grapheme) or one `:shortcode:` named by an
// Emoji tag; anything else is refused. Undo of either removes the favourite it made.
import { Emoji, type EmojiReact, type Like } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { accountCanSee, receiveFavourite } from "../../domain/statuses/remote-interactions.ts";
import { sameHost } from "../convert/addressing.ts";
import { isSingleEmoji } from "../convert/incoming.ts";
import { Refusal } from "../remote/documents.ts";
import { knownStatus } from "../remote/statuses.ts";
import { type InboxEnv, ignored, type Outcome, stored } from "./env.ts";

async function favourite(
  env: InboxEnv,
  activity: Like | EmojiReact,
  actor: AccountRow,
): Promise<Outcome> {
  const uri = activity.objectId?.href;
  if (!uri) throw new Refusal("nothing is liked");
  const status = await knownStatus(env, uri);
  // Counts of remote statuses are their own server's business, as in Mastodon.
  if (status?.local !== 1) return ignored("not a local status");
  if (status.reblog_of_id) return ignored("a boost cannot be favourited");
  if (!(await accountCanSee(env.kith, actor.id, status.id)))
    throw new Refusal("the status is not visible to the actor");
  // Kept under the Like's id for a later Undo, unless the id is on another host (Misskey relays
  // do that), where it could take an id that belongs to someone else.
  const id = activity.id && sameHost(activity.id, actor.uri) ? activity.id.href : null;
  return (await receiveFavourite(env.kith, actor.id, status, id))
    ? stored("favourite")
    : ignored("favourited already");
}

export const handleLike = (env: InboxEnv, activity: Like, actor: AccountRow) =>
  favourite(env, activity, actor);

export async function handleEmojiReact(
  env: InboxEnv,
  activity: EmojiReact,
  actor: AccountRow,
): Promise<Outcome> {
  const content = activity.content?.toString() ?? "";
  const names: string[] = [];
  for await (const tag of activity.getTags({
    documentLoader: async (url) => {
      throw new Error(`not fetched: ${url}`);
    },
    contextLoader: env.contextLoader,
    suppressError: true,
  })) {
    if (tag instanceof Emoji && tag.name) names.push(tag.name.toString());
  }
  if (!isSingleEmoji(content, names))
    throw new Refusal(`an EmojiReact must carry exactly one emoji, not ${JSON.stringify(content)}`);
  return favourite(env, activity, actor);
}
