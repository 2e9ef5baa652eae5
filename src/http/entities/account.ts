// The Account entity (and CredentialAccount for the owner), rendered from account rows.
import type { Config } from "../../config.ts";
import type { Credentials } from "../../domain/accounts/credentials.ts";
import { type AccountRow, acct } from "../../domain/accounts/queries.ts";

export interface AccountField {
  name: string;
  value: string;
  verified_at: string | null;
}

export function parseFields(json: string): AccountField[] {
  try {
    const value = JSON.parse(json) as unknown;
    if (!Array.isArray(value)) return [];
    return value
      .filter((f): f is Record<string, unknown> => typeof f === "object" && f !== null)
      .map((f) => ({
        name: String(f.name ?? ""),
        value: String(f.value ?? ""),
        verified_at: typeof f.verified_at === "string" ? f.verified_at : null,
      }));
  } catch {
    return [];
  }
}

/** Mastodon truncates account creation times to midnight UTC, to leak less. */
const midnight = (iso: string) => `${iso.slice(0, 10)}T00:00:00.000Z`;

export function renderAccount(config: Config, a: AccountRow) {
  const suspended = a.suspended_at !== null;
  const avatar = (!suspended && a.avatar_url) || `${config.origin}/static/avatar.png`;
  const header = (!suspended && a.header_url) || `${config.origin}/static/header.png`;
  return {
    id: a.id,
    username: a.username,
    acct: acct(a),
    url: a.url ?? a.uri,
    uri: a.uri,
    display_name: suspended ? "" : a.display_name,
    note: suspended ? "" : a.note,
    avatar,
    avatar_static: avatar,
    header,
    header_static: header,
    locked: a.locked === 1,
    fields: suspended ? [] : parseFields(a.fields),
    emojis: [],
    bot: a.actor_type === "Service" || a.actor_type === "Application",
    group: a.actor_type === "Group",
    discoverable: a.discoverable === null ? null : a.discoverable === 1,
    indexable: a.indexable === 1,
    noindex: a.domain ? null : a.indexable !== 1,
    hide_collections: a.hide_collections === 1,
    memorial: a.memorial === 1,
    suspended: suspended || undefined,
    limited: a.silenced_at !== null || undefined,
    created_at: midnight(a.created_at),
    last_status_at: a.last_status_at ? a.last_status_at.slice(0, 10) : null,
    statuses_count: suspended ? 0 : a.statuses_count,
    followers_count: suspended ? 0 : a.followers_count,
    following_count: suspended ? 0 : a.following_count,
    roles: [],
  };
}

/** CredentialAccount: the owner's view, with the profile as typed and their defaults. */
export function renderCredentialAccount(config: Config, c: Credentials) {
  return {
    ...renderAccount(config, c.account),
    source: {
      privacy: c.privacy,
      sensitive: c.sensitive,
      language: c.language,
      note: c.noteSource,
      fields: c.fieldsSource.map((f, i) => ({
        name: f.name,
        value: f.value,
        verified_at: parseFields(c.account.fields)[i]?.verified_at ?? null,
      })),
      follow_requests_count: c.followRequestsCount,
      hide_collections: c.account.hide_collections === 1,
      discoverable: c.account.discoverable === null ? null : c.account.discoverable === 1,
      indexable: c.account.indexable === 1,
      quote_policy: c.quotePolicy,
      attribution_domains: c.attributionDomains,
    },
    role: c.role,
  };
}

/** PartialAccountWithAvatar, for grouped notifications with `expand_accounts=partial_avatars`. */
export function renderPartialAccount(config: Config, a: AccountRow) {
  const full = renderAccount(config, a);
  return {
    id: full.id,
    acct: full.acct,
    url: full.url,
    avatar: full.avatar,
    avatar_static: full.avatar_static,
    locked: full.locked,
    bot: full.bot,
  };
}

/** MutedAccount: an Account with when the mute lifts (null = never). */
export function renderMutedAccount(config: Config, a: AccountRow, expiresAt: string | null) {
  return { ...renderAccount(config, a), mute_expires_at: expiresAt };
}
