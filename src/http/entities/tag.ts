// The Tag entity (Mastodon 4.5) for search results. Kith has no followed or featured tags, so
// a signed-in viewer follows and features none; anonymous requests get neither field.
import type { Config } from "../../config.ts";
import type { TagHistoryDay, TagRow } from "../../domain/search/hashtags.ts";

export function renderTag(
  config: Config,
  tag: TagRow,
  history: TagHistoryDay[],
  signedIn: boolean,
): Record<string, unknown> {
  const name = tag.name.toLowerCase();
  return {
    id: tag.id,
    name,
    url: `${config.origin}/tags/${encodeURIComponent(name)}`,
    history,
    ...(signedIn ? { following: false, featuring: false } : {}),
  };
}
