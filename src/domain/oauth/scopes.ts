// OAuth scopes as Mastodon defines them: `read`, `write`, `follow`, `push`, `profile` and the
// admin scopes, with `read:statuses`-style sub-scopes. A token holding a parent scope satisfies
// any of its children; a child never satisfies its parent.
const READ = [
  "accounts",
  "blocks",
  "bookmarks",
  "favourites",
  "filters",
  "follows",
  "lists",
  "mutes",
  "notifications",
  "search",
  "statuses",
];
const WRITE = [
  "accounts",
  "blocks",
  "bookmarks",
  "conversations",
  "favourites",
  "filters",
  "follows",
  "lists",
  "media",
  "mutes",
  "notifications",
  "reports",
  "statuses",
];
const ADMIN = [
  "accounts",
  "reports",
  "domain_allows",
  "domain_blocks",
  "ip_blocks",
  "email_domain_blocks",
  "canonical_email_blocks",
];

export const ALL_SCOPES: readonly string[] = [
  "read",
  ...READ.map((s) => `read:${s}`),
  "write",
  ...WRITE.map((s) => `write:${s}`),
  "follow",
  "push",
  "profile",
  "admin:read",
  ...ADMIN.map((s) => `admin:read:${s}`),
  "admin:write",
  ...ADMIN.map((s) => `admin:write:${s}`),
];

const KNOWN = new Set(ALL_SCOPES);

// The deprecated `follow` scope stands for these.
const FOLLOW_COVERS = new Set([
  "read:blocks",
  "read:follows",
  "read:mutes",
  "write:blocks",
  "write:follows",
  "write:mutes",
]);

/** Splits a space- or plus-separated scope string; unknown scopes are reported, not dropped. */
export function parseScopes(
  value: string | undefined | null,
  fallback = "read",
): { scopes: string[]; unknown: string[] } {
  const scopes = [...new Set((value?.trim() ? value : fallback).split(/[\s+]+/).filter(Boolean))];
  return { scopes, unknown: scopes.filter((s) => !KNOWN.has(s)) };
}

/** Does a token holding `granted` satisfy an endpoint that needs `required`? */
export function satisfies(granted: readonly string[], required: string): boolean {
  for (const scope of granted) {
    if (scope === required) return true;
    if (required.startsWith(`${scope}:`)) return true; // read covers read:statuses
    if (scope === "follow" && FOLLOW_COVERS.has(required)) return true;
  }
  return false;
}

/** Is every scope requested also one the application registered (hierarchically)? */
export function isSubset(requested: readonly string[], allowed: readonly string[]): boolean {
  return requested.every((s) => satisfies(allowed, s));
}
