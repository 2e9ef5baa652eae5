// Mastodon's rules for local usernames: letters, digits and underscores, with dots and dashes
// allowed inside; at most 30 characters; some names are kept for the server itself.
const PATTERN = /^[a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)?$/i;
const MAX_LENGTH = 30;

export const RESERVED_USERNAMES = new Set([
  "admin",
  "administrator",
  "help",
  "mod",
  "moderator",
  "root",
  "support",
  "webmaster",
  "postmaster",
  "abuse",
  "security",
  "noreply",
  "no-reply",
  "instance",
  "actor",
  "kith",
  "api",
  "oauth",
  "auth",
  "settings",
  "about",
  "inbox",
  "outbox",
  "users",
  "tags",
  "static",
  "system",
  "staff",
  "owner",
  "nodeinfo",
  "well-known",
]);

/**
 * Why a new local username is refused, as [Mastodon error code, message], or null. `domain` is
 * the instance's: the instance actor's handle is acct:DOMAIN@DOMAIN, as in Mastodon.
 */
export function usernameProblem(username: string, domain: string): [string, string] | null {
  if (username.length === 0) return ["ERR_BLANK", "can't be blank"];
  if (username.length > MAX_LENGTH)
    return ["ERR_TOO_LONG", `is too long (maximum is ${MAX_LENGTH} characters)`];
  if (!PATTERN.test(username))
    return ["ERR_INVALID", "must contain only letters, numbers and underscores"];
  const lower = username.toLowerCase();
  if (RESERVED_USERNAMES.has(lower) || lower === domain.toLowerCase())
    return ["ERR_RESERVED", "is reserved"];
  return null;
}

const EMAIL =
  /^[^\s@<>()[\]\\,;:"]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

export function emailProblem(email: string): [string, string] | null {
  if (email.length === 0) return ["ERR_BLANK", "can't be blank"];
  if (email.length > 254 || !EMAIL.test(email)) return ["ERR_INVALID", "is invalid"];
  return null;
}
