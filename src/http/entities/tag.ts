// The Tag and FeaturedTag entities.
import type { Config } from "../../config.ts";
import type { FeaturedTagView } from "../../domain/tags/featured.ts";
import type { TagView } from "../../domain/tags/tags.ts";

export const tagUrl = (config: Config, name: string) =>
  `${config.origin}/tags/${encodeURIComponent(name.toLowerCase())}`;

export function renderTag(config: Config, t: TagView) {
  return {
    // Mastodon renders a tag not yet stored with an empty ID.
    id: t.id ?? "",
    name: t.name,
    url: tagUrl(config, t.name),
    history: t.history.map((h) => ({
      day: String(h.day),
      uses: String(h.uses),
      accounts: String(h.accounts),
    })),
    ...(t.following === null ? {} : { following: t.following }),
    ...(t.featuring === null ? {} : { featuring: t.featuring }),
  };
}

export const renderFeaturedTag = (f: FeaturedTagView) => ({
  id: f.id,
  name: f.name,
  url: `${f.accountUrl}/tagged/${encodeURIComponent(f.name)}`,
  statuses_count: String(f.statusesCount),
  last_status_at: f.lastStatusAt,
});
