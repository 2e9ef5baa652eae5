// The Instance entities (v2 and the deprecated v1), built from configuration, live figures, the
// server rules and the contact account.
import type { Config, RegistrationMode } from "../../config.ts";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import type { InstanceStats } from "../../domain/instance.ts";
import { SUPPORTED_MIME_TYPES } from "../../domain/media/rules.ts";
import { POLL_LIMITS } from "../../domain/polls/limits.ts";
import type { ServerRule } from "../../domain/server-rules.ts";
import { MASTODON_API_VERSION, VERSION_STRING } from "../../version.ts";
import { renderAccount } from "./account.ts";
import { renderRule } from "./instance-extras.ts";

/** What the Instance entities show besides configuration and figures. */
export interface InstanceExtras {
  rules: ServerRule[];
  /** The contact account (the first admin), or null. */
  contact: AccountRow | null;
  /** The mode in force when it differs from the configured one (registration-auto-approval.ts). */
  registrationMode?: RegistrationMode;
  /** The server's VAPID public key for Web Push (domain/push/vapid.ts). */
  vapidPublicKey: string;
}

const NO_EXTRAS: InstanceExtras = { rules: [], contact: null, vapidPublicKey: "" };

export const MEDIA_LIMITS = {
  supported_mime_types: SUPPORTED_MIME_TYPES,
  image_size_limit: 16 * 1024 * 1024,
  image_matrix_limit: 33_177_600,
  video_size_limit: 99 * 1024 * 1024,
  video_frame_rate_limit: 120,
  video_matrix_limit: 8_294_400,
  description_limit: 1500,
};

function streamingUrl(config: Config): string {
  return config.origin.replace(/^http/, "ws");
}

function thumbnailUrl(config: Config): string {
  return `${config.origin}/static/thumbnail.png`;
}

function registrations(config: Config, extras: InstanceExtras) {
  const mode = extras.registrationMode ?? config.registrations;
  return {
    enabled: mode !== "closed",
    approval_required: mode === "approval",
    reason_required: mode === "approval",
    message: null,
    min_age: null,
    url: null,
  };
}

export function instanceV2(
  config: Config,
  stats: InstanceStats,
  extras: InstanceExtras = NO_EXTRAS,
) {
  return {
    domain: config.domain,
    title: config.title,
    version: VERSION_STRING,
    source_url: config.sourceUrl,
    description: config.description,
    usage: { users: { active_month: stats.activeMonth } },
    thumbnail: { url: thumbnailUrl(config), blurhash: null, versions: {} },
    icon: [],
    languages: ["en"],
    configuration: {
      urls: {
        streaming: streamingUrl(config),
        status: null,
        about: `${config.origin}/about`,
        privacy_policy: null,
        terms_of_service: null,
      },
      accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
      statuses: {
        max_characters: config.maxStatusChars,
        max_media_attachments: 4,
        characters_reserved_per_url: 23,
      },
      media_attachments: MEDIA_LIMITS,
      polls: POLL_LIMITS,
      translation: { enabled: false },
      vapid: { public_key: extras.vapidPublicKey },
      timelines_access: {
        live_feeds: { local: "public", remote: "public" },
        hashtag_feeds: { local: "public", remote: "public" },
        trending_link_feeds: { local: "public", remote: "public" },
      },
      limited_federation: false,
    },
    registrations: registrations(config, extras),
    api_versions: { mastodon: MASTODON_API_VERSION },
    contact: {
      email: config.contactEmail,
      account: extras.contact ? renderAccount(config, extras.contact) : null,
    },
    rules: extras.rules.map(renderRule),
  };
}

export function instanceV1(
  config: Config,
  stats: InstanceStats,
  extras: InstanceExtras = NO_EXTRAS,
) {
  const reg = registrations(config, extras);
  return {
    uri: config.domain,
    title: config.title,
    short_description: config.description,
    description: config.description,
    email: config.contactEmail,
    version: VERSION_STRING,
    urls: { streaming_api: streamingUrl(config) },
    stats: {
      user_count: stats.userCount,
      status_count: stats.statusCount,
      domain_count: stats.domainCount,
    },
    thumbnail: thumbnailUrl(config),
    languages: ["en"],
    registrations: reg.enabled,
    approval_required: reg.approval_required,
    invites_enabled: false,
    configuration: {
      accounts: { max_featured_tags: 10 },
      statuses: {
        max_characters: config.maxStatusChars,
        max_media_attachments: 4,
        characters_reserved_per_url: 23,
      },
      media_attachments: MEDIA_LIMITS,
      polls: POLL_LIMITS,
      // Not in Mastodon's v1 entity; clients that read only v1 find the key here.
      vapid: { public_key: extras.vapidPublicKey },
    },
    contact_account: extras.contact ? renderAccount(config, extras.contact) : null,
    rules: extras.rules.map(renderRule),
  };
}
