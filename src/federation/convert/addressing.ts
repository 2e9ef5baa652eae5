// ActivityPub addressing → Kith visibility and local recipients (shared/reference/federation.md
// §4). Pure functions over URI lists, so the rule table is easy to test. Local recipients come
// from here, never from which inbox received the activity (§12.4).

export type Visibility = "public" | "unlisted" | "private" | "direct";

/** How many addressees of one object are looked at (Plume addresses 170+ actors one by one). */
export const MAX_ADDRESSEES = 200;

const PUBLIC_FORMS = new Set([
  "https://www.w3.org/ns/activitystreams#Public",
  "http://www.w3.org/ns/activitystreams#Public",
  "as:Public",
  "Public",
]);

export const isPublic = (uri: string) => PUBLIC_FORMS.has(uri);

export interface Audience {
  to: readonly string[];
  cc: readonly string[];
  /** bto, bcc and audience */
  other: readonly string[];
}

/** Every addressee, capped and without duplicates. */
export function addressees(audience: Audience): string[] {
  return [...new Set([...audience.to, ...audience.cc, ...audience.other])].slice(0, MAX_ADDRESSEES);
}

/**
 * Mastodon's `visibility_from_audience`: Public in `to` → public, in `cc` → unlisted; the
 * author's followers collection → private; otherwise (only people) → direct. Mastodon's
 * "limited" (people addressed without being mentioned) is direct here. No addressing at all
 * is direct too: nobody is entitled to more.
 */
export function visibilityFrom(audience: Audience, followersUrl: string): Visibility {
  if (audience.to.some(isPublic)) return "public";
  if (audience.cc.some(isPublic)) return "unlisted";
  const all = [...audience.to, ...audience.cc, ...audience.other];
  if (all.includes(followersUrl)) return "private";
  return "direct";
}

/** The username of a local actor URI (`<origin>/users/<name>`), or null. */
export function localUsername(uri: string, origin: string): string | null {
  if (!URL.canParse(uri)) return null;
  const url = new URL(uri);
  if (url.origin !== origin) return null;
  const match = /^\/users\/([^/]+)\/?$/.exec(url.pathname);
  return match ? decodeURIComponent(match[1]!) : null;
}

/** Same scheme, host and port. */
export function sameOrigin(a: string | URL, b: string | URL): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** Same host (and port): the test Mastodon applies (an http id may name an https server). */
export function sameHost(a: string | URL, b: string | URL): boolean {
  try {
    return new URL(a).host.toLowerCase() === new URL(b).host.toLowerCase();
  } catch {
    return false;
  }
}
