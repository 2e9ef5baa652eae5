// Table types for Kysely. Conventions that hold on both SQLite and PostgreSQL:
// - IDs are 18-digit strings (see ids.ts);
// - times are ISO 8601 UTC strings with milliseconds, which sort as text;
// - booleans are integers 0/1 (SQLite has no boolean type);
// - JSON is stored as text and parsed at the edge of the db layer.
import type { Generated } from "kysely";

type Bool = number;
type Timestamp = string;

export interface SettingsTable {
  key: string;
  value: string;
}

export interface AccountsTable {
  id: string;
  username: string;
  /** null for local accounts */
  domain: string | null;
  display_name: Generated<string>;
  /** HTML */
  note: Generated<string>;
  uri: string;
  url: string | null;
  inbox_url: string | null;
  shared_inbox_url: string | null;
  outbox_url: string | null;
  followers_url: string | null;
  following_url: string | null;
  featured_url: string | null;
  avatar_url: string | null;
  header_url: string | null;
  /** Person, Service, Group, Application, Organization */
  actor_type: Generated<string>;
  locked: Generated<Bool>;
  discoverable: Bool | null;
  indexable: Generated<Bool>;
  hide_collections: Generated<Bool>;
  memorial: Generated<Bool>;
  /** JSON: [{name, value, verified_at}] with value as HTML */
  fields: Generated<string>;
  /** JSON: string[] of actor URIs */
  also_known_as: Generated<string>;
  moved_to_account_id: string | null;
  public_key_pem: string | null;
  private_key_pem: string | null;
  suspended_at: Timestamp | null;
  silenced_at: Timestamp | null;
  sensitized_at: Timestamp | null;
  /** local (a moderator here) or remote (its own server's actor says so) (0023) */
  suspension_origin: Generated<"local" | "remote" | null>;
  statuses_count: Generated<number>;
  followers_count: Generated<number>;
  following_count: Generated<number>;
  last_status_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  fetched_at: Timestamp | null;
  /** the local user's profile note as typed (0005) */
  note_source: Generated<string>;
  /** JSON: [{name, value}] as typed by the local user (0005) */
  fields_source: Generated<string>;
  /** JSON: string[] of domains allowed to credit this account (0005) */
  attribution_domains: Generated<string>;
  /** Ed25519 key pair of a local account as JWK JSON, made on first use (0008) */
  ed25519_public_key: string | null;
  ed25519_private_key: string | null;
}

export type Role = "user" | "moderator" | "admin";

export interface UsersTable {
  id: string;
  account_id: string;
  email: string;
  password_hash: string;
  role: Generated<Role>;
  approved: Generated<Bool>;
  confirmed_at: Timestamp | null;
  confirmation_token: string | null;
  disabled: Generated<Bool>;
  locale: Generated<string>;
  sign_up_reason: string | null;
  sign_up_ip: string | null;
  invite_id: string | null;
  default_visibility: Generated<string>;
  default_sensitive: Generated<Bool>;
  default_language: string | null;
  /** public, followers or nobody (0005) */
  default_quote_policy: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_sign_in_at: Timestamp | null;
}

export interface JobsTable {
  id: string;
  queue: string;
  /** JSON */
  payload: string;
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  locked_until: Timestamp | null;
  locked_by: string | null;
  last_error: string | null;
  /** At most one pending job per key: enqueueing the same key again is a no-op. */
  dedupe_key: string | null;
  created_at: Timestamp;
  /** Jobs sharing a key run one at a time, oldest first (0008). */
  ordering_key: string | null;
}

/** Fedify's key–value store (0008). */
export interface FedifyKvTable {
  /** The key's segments, escaped and joined so that a key prefix is a range (kv-store.ts). */
  key: string;
  /** canonical JSON */
  value: string;
  expires_at: Timestamp | null;
}

export interface OAuthApplicationsTable {
  id: string;
  name: string;
  website: string | null;
  /** newline-separated */
  redirect_uris: string;
  /** space-separated */
  scopes: string;
  client_id: string;
  client_secret: string;
  owner_account_id: string | null;
  created_at: Timestamp;
}

export interface OAuthTokensTable {
  id: string;
  /** SHA-256 hex of the bearer token; the token itself is never stored. */
  token_hash: string;
  application_id: string | null;
  account_id: string | null;
  scopes: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface OAuthCodesTable {
  code_hash: string;
  application_id: string;
  account_id: string;
  redirect_uri: string;
  scopes: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: Timestamp;
}

export interface WebSessionsTable {
  id_hash: string;
  account_id: string;
  user_agent: string | null;
  ip: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface InvitesTable {
  id: string;
  code: string;
  account_id: string | null;
  max_uses: number | null;
  uses: Generated<number>;
  autofollow: Generated<Bool>;
  expires_at: Timestamp | null;
  created_at: Timestamp;
}

export type Visibility = "public" | "unlisted" | "private" | "direct";

export interface StatusesTable {
  id: string;
  uri: string;
  url: string | null;
  account_id: string;
  local: Bool;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  in_reply_to_uri: string | null;
  reblog_of_id: string | null;
  /** ID of the root status of the thread (the status itself for a root). */
  thread_id: string;
  /** sanitised HTML */
  content: Generated<string>;
  /** the source text as written, for local statuses */
  text: Generated<string>;
  spoiler_text: Generated<string>;
  sensitive: Generated<Bool>;
  visibility: Visibility;
  language: string | null;
  application_id: string | null;
  replies_count: Generated<number>;
  reblogs_count: Generated<number>;
  favourites_count: Generated<number>;
  created_at: Timestamp;
  edited_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface StatusMentionsTable {
  status_id: string;
  account_id: string;
  /** 1: dropped from the text by an edit; still grants access, no longer shown (0011) */
  silent: Generated<Bool>;
}

export interface TagsTable {
  id: string;
  name: string;
  created_at: Timestamp;
}

export interface StatusTagsTable {
  status_id: string;
  tag_id: string;
}

/** favourites, bookmarks and status_pins share this shape */
export interface AccountStatusTable {
  id: string;
  account_id: string;
  status_id: string;
  created_at: Timestamp;
}

/** A favourite; `uri` is the Like's ActivityPub id for favourites from other servers (0010). */
export interface FavouritesTable extends AccountStatusTable {
  uri: string | null;
}

/** A remote object deleted by its owner, so that a late Create of it is ignored (0010). */
export interface TombstonesTable {
  uri: string;
  account_uri: string | null;
  created_at: Timestamp;
}

/** A remote host whose inboxes keep failing; unavailable from the 7th failure day (0014). */
export interface DeliveryFailuresTable {
  host: string;
  origin: string;
  failure_days: number;
  last_failure_day: string;
  first_failed_at: Timestamp;
  last_failed_at: Timestamp;
  last_error: string | null;
  unavailable_since: Timestamp | null;
}

/** follows and follow_requests share this shape */
export interface FollowsTable {
  id: string;
  account_id: string;
  target_account_id: string;
  show_reblogs: Generated<Bool>;
  notify: Generated<Bool>;
  /** JSON string[] or null for every language */
  languages: string | null;
  uri: string | null;
  created_at: Timestamp;
}

export interface BlocksTable {
  id: string;
  account_id: string;
  target_account_id: string;
  uri: string | null;
  created_at: Timestamp;
}

export interface MutesTable {
  id: string;
  account_id: string;
  target_account_id: string;
  hide_notifications: Generated<Bool>;
  expires_at: Timestamp | null;
  created_at: Timestamp;
}

export interface AccountDomainBlocksTable {
  id: string;
  account_id: string;
  /** lower-case ASCII (punycode) host, compared with accounts.domain */
  domain: string;
  created_at: Timestamp;
}

export interface ConversationMutesTable {
  account_id: string;
  thread_id: string;
}

export interface AccountNotesTable {
  account_id: string;
  target_account_id: string;
  comment: string;
  updated_at: Timestamp;
}

export interface NotificationsTable {
  id: string;
  /** the recipient */
  account_id: string;
  from_account_id: string | null;
  type: string;
  status_id: string | null;
  report_id: string | null;
  /** the strike of a `moderation_warning` (0023) */
  account_warning_id: Generated<string | null>;
  group_key: string;
  created_at: Timestamp;
  /** 1: held back by the recipient's notification policy (0027) */
  filtered: Generated<Bool>;
}

export interface MarkersTable {
  account_id: string;
  timeline: string;
  last_read_id: string;
  version: Generated<number>;
  updated_at: Timestamp;
}

export interface HomeFeedTable {
  account_id: string;
  status_id: string;
}

export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  status_id: string | null;
  created_at: Timestamp;
}

export interface ServerRulesTable {
  id: string;
  text: string;
  hint: Generated<string>;
  position: Generated<number>;
  created_at: Timestamp;
}

export interface CustomEmojisTable {
  id: string;
  shortcode: string;
  domain: string | null;
  url: string;
  static_url: string;
  visible_in_picker: Generated<Bool>;
  category: string | null;
  created_at: Timestamp;
}

/** One revision of an edited status (0011); `text` is the source, empty for remote ones. */
export interface StatusEditsTable {
  id: string;
  status_id: string;
  /** who published this revision (the author) */
  account_id: string;
  /** sanitised HTML */
  content: string;
  text: Generated<string>;
  spoiler_text: Generated<string>;
  sensitive: Generated<Bool>;
  language: string | null;
  created_at: Timestamp;
  /** JSON [{id, description}]: this version's media, in order (0026); null before 0026 */
  media: string | null;
}

/** A poll of a status (0016). */
export interface PollsTable {
  id: string;
  status_id: string;
  /** the author of the status */
  account_id: string;
  /** JSON string[]: the option titles, in order */
  options: string;
  /** JSON number[]: votes per option, in the order of `options` */
  cached_tallies: string;
  multiple: Bool;
  hide_totals: Bool;
  /** null: never ends */
  expires_at: Timestamp | null;
  votes_count: number;
  /** distinct voters; null when unknown (remote polls that do not say) */
  voters_count: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One account's vote for one option (0016); `uri` is the remote vote's ActivityPub id. */
export interface PollVotesTable {
  id: string;
  poll_id: string;
  account_id: string;
  choice: number;
  uri: string | null;
  created_at: Timestamp;
}

export type ReportCategory = "spam" | "legal" | "violation" | "other";

/** A report about an account (0017). */
export interface ReportsTable {
  id: string;
  /** the reporter, local or remote */
  account_id: string;
  target_account_id: string;
  comment: Generated<string>;
  category: Generated<ReportCategory>;
  /** JSON string[] of server rule IDs (category violation) */
  rule_ids: Generated<string>;
  forwarded: Generated<Bool>;
  /** the Flag's id (made here for local reports) */
  uri: string | null;
  assigned_account_id: string | null;
  action_taken_at: Timestamp | null;
  action_taken_by_account_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A reported status as it was when reported (0017). */
export interface ReportStatusesTable {
  report_id: string;
  status_id: string;
  position: number;
  /** JSON, see domain/reports/snapshots.ts */
  snapshot: string;
}

/** A moderator's note on a report (0028). */
export interface ReportNotesTable {
  id: string;
  report_id: string;
  /** the moderator; null for the operator at the command line */
  account_id: string | null;
  content: string;
  created_at: Timestamp;
}

export type RepliesPolicy = "followed" | "list" | "none";

export interface ListsTable {
  id: string;
  account_id: string;
  title: string;
  replies_policy: Generated<RepliesPolicy>;
  exclusive: Generated<Bool>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ListAccountsTable {
  id: string;
  list_id: string;
  account_id: string;
  /** the list owner's follow of the member; its deletion removes the member (0019) */
  follow_id: string;
  created_at: Timestamp;
}

export interface AccountConversationsTable {
  id: string;
  account_id: string;
  thread_id: string;
  /** the other participants' account IDs, sorted and space-separated */
  participant_ids: string;
  /** the newest status added, for order and paging */
  last_status_id: string;
  unread: Generated<Bool>;
  updated_at: Timestamp;
}

export interface AccountConversationStatusesTable {
  conversation_id: string;
  status_id: string;
}

/** tag_follows and featured_tags (0019) */
export interface AccountTagsTable {
  id: string;
  account_id: string;
  tag_id: string;
  created_at: Timestamp;
}

/** What an instance rule did (0018): nothing a rule causes happens silently. */
export interface RuleActionsTable {
  id: string;
  rule_id: string;
  /** "local" (posts made here) or "incoming" (from other servers) */
  direction: string;
  /** reject, require_content_warning, mark_sensitive, unlisted, private, drop_local_mentions */
  action: string;
  /** the author */
  account_id: string | null;
  /** the status it applied to; null when it was refused (nothing was stored) */
  status_id: string | null;
  /** ActivityPub id of an incoming object */
  object_uri: string | null;
  /** the field that fired the rule, if a content condition did */
  field: string | null;
  created_at: Timestamp;
}

export interface ScheduledStatusesTable {
  id: string;
  account_id: string;
  scheduled_at: Timestamp;
  /** JSON: what to post, see domain/statuses/scheduled.ts (0020) */
  params: string;
  created_at: Timestamp;
}

/** account_pins (endorsements) and suggestion_dismissals: one account's mark on another (0020) */
export interface AccountPairTable {
  id: string;
  account_id: string;
  target_account_id: string;
  created_at: Timestamp;
}

export interface AuditLogTable {
  id: string;
  /** the moderator or admin; null for the operator at the command line */
  account_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  target_label: string;
  /** JSON object */
  detail: Generated<string>;
  created_at: Timestamp;
}

export type FilterContext = "home" | "notifications" | "public" | "thread" | "account";
export type FilterAction = "warn" | "hide" | "blur";

/** A keyword filter (0022); `context` is a JSON array of FilterContext. */
export interface FiltersTable {
  id: string;
  account_id: string;
  title: string;
  context: string;
  action: Generated<FilterAction>;
  expires_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FilterKeywordsTable {
  id: string;
  filter_id: string;
  keyword: string;
  whole_word: Generated<Bool>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FilterStatusesTable {
  id: string;
  filter_id: string;
  status_id: string;
  created_at: Timestamp;
}

/** An e-mail domain (and its subdomains) nobody may sign up with (0025). */
export interface EmailDomainBlocksTable {
  id: string;
  domain: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A sign-up refused by an e-mail domain block, kept a week for the block's history (0025). */
export interface EmailDomainBlockAttemptsTable {
  id: string;
  email_domain_block_id: string;
  ip: string | null;
  created_at: Timestamp;
}

/** One e-mail address, by the hash of its canonical form, that may not sign up (0025). */
export interface CanonicalEmailBlocksTable {
  id: string;
  canonical_email_hash: string;
  created_at: Timestamp;
}

export type IpBlockSeverity = "sign_up_requires_approval" | "sign_up_block" | "no_access";

/** An IP range and what it may not do (0025); `ip` is the network address, masked. */
export interface IpBlocksTable {
  id: string;
  ip: string;
  prefix: number;
  severity: IpBlockSeverity;
  comment: Generated<string>;
  expires_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A Web Push subscription, one per access token (0027). */
export interface WebPushSubscriptionsTable {
  id: string;
  account_id: string;
  token_id: string;
  endpoint: string;
  key_p256dh: string;
  key_auth: string;
  standard: Generated<Bool>;
  /** JSON {notification type: boolean} */
  alerts: Generated<string>;
  /** all, followed, follower or none */
  policy: Generated<string>;
  /** the access token sealed with the secret key (push/sealed-token.ts) */
  sealed_token: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** accept, filter or drop (0027) */
export type PolicyAction = "accept" | "filter" | "drop";

export interface NotificationPoliciesTable {
  account_id: string;
  for_not_following: PolicyAction;
  for_not_followers: PolicyAction;
  for_new_accounts: PolicyAction;
  for_private_mentions: PolicyAction;
  for_limited_accounts: PolicyAction;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Filtered mentions from one sender, waiting for the recipient's decision (0027). */
export interface NotificationRequestsTable {
  id: string;
  account_id: string;
  from_account_id: string;
  last_status_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A sender whose notifications the recipient accepted despite the policy (0027). */
export interface NotificationPermissionsTable {
  id: string;
  account_id: string;
  from_account_id: string;
  created_at: Timestamp;
}

/** A strike: what a moderator did to an account and told its owner (0023). */
export interface AccountWarningsTable {
  id: string;
  /** the moderator; null for the operator at the command line */
  account_id: string | null;
  target_account_id: string;
  /** none, disable, sensitive, silence, suspend */
  action: string;
  text: Generated<string>;
  report_id: string | null;
  /** JSON: string[] */
  status_ids: Generated<string>;
  created_at: Timestamp;
}

export type DomainBlockSeverity = "noop" | "silence" | "suspend";

export interface DomainBlocksTable {
  id: string;
  /** lower-case ASCII (punycode) host; the block covers its subdomains */
  domain: string;
  severity: DomainBlockSeverity;
  reject_media: Bool;
  reject_reports: Bool;
  private_comment: string | null;
  public_comment: string | null;
  obfuscate: Bool;
  /** the blocklist subscription that made it, if any */
  subscription_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DomainAllowsTable {
  id: string;
  domain: string;
  created_at: Timestamp;
}

export interface DomainBlockSubscriptionsTable {
  id: string;
  url: string;
  mode: "review" | "auto";
  etag: string | null;
  last_fetched_at: Timestamp | null;
  last_error: string | null;
  created_at: Timestamp;
}

export interface DomainBlockPendingChangesTable {
  id: string;
  subscription_id: string;
  domain: string;
  action: "create" | "update" | "destroy";
  /** JSON: the block as the published list has it */
  block: string;
  /** rejected ones are kept so that the same change is not proposed again */
  state: "pending" | "rejected";
  created_at: Timestamp;
}

export type MediaType = "image" | "gifv" | "video" | "audio" | "unknown";

export type MediaState = "queued" | "done" | "failed";

/** Local uploads and remote attachments (0026); see domain/media/. */
export interface MediaAttachmentsTable {
  id: string;
  account_id: string;
  status_id: string | null;
  scheduled_status_id: string | null;
  position: Generated<number>;
  type: MediaType;
  state: MediaState;
  content_type: string | null;
  /** storage keys (domain/media/storage.ts) */
  file_key: string | null;
  preview_key: string | null;
  upload_key: string | null;
  file_size: number | null;
  remote_url: string | null;
  remote_preview_url: string | null;
  description: string | null;
  blurhash: string | null;
  /** JSON: {original, small, focus} */
  meta: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface Database {
  settings: SettingsTable;
  audit_log: AuditLogTable;
  accounts: AccountsTable;
  users: UsersTable;
  jobs: JobsTable;
  fedify_kv: FedifyKvTable;
  oauth_applications: OAuthApplicationsTable;
  oauth_tokens: OAuthTokensTable;
  oauth_codes: OAuthCodesTable;
  web_sessions: WebSessionsTable;
  invites: InvitesTable;
  statuses: StatusesTable;
  status_mentions: StatusMentionsTable;
  tags: TagsTable;
  status_tags: StatusTagsTable;
  favourites: FavouritesTable;
  bookmarks: AccountStatusTable;
  status_pins: AccountStatusTable;
  follows: FollowsTable;
  follow_requests: FollowsTable;
  blocks: BlocksTable;
  mutes: MutesTable;
  conversation_mutes: ConversationMutesTable;
  account_notes: AccountNotesTable;
  notifications: NotificationsTable;
  markers: MarkersTable;
  home_feed: HomeFeedTable;
  idempotency_keys: IdempotencyKeysTable;
  server_rules: ServerRulesTable;
  custom_emojis: CustomEmojisTable;
  tombstones: TombstonesTable;
  status_edits: StatusEditsTable;
  account_domain_blocks: AccountDomainBlocksTable;
  polls: PollsTable;
  poll_votes: PollVotesTable;
  reports: ReportsTable;
  report_statuses: ReportStatusesTable;
  report_notes: ReportNotesTable;
  delivery_failures: DeliveryFailuresTable;
  lists: ListsTable;
  list_accounts: ListAccountsTable;
  account_conversations: AccountConversationsTable;
  account_conversation_statuses: AccountConversationStatusesTable;
  tag_follows: AccountTagsTable;
  featured_tags: AccountTagsTable;
  rule_actions: RuleActionsTable;
  scheduled_statuses: ScheduledStatusesTable;
  account_pins: AccountPairTable;
  suggestion_dismissals: AccountPairTable;
  filters: FiltersTable;
  filter_keywords: FilterKeywordsTable;
  filter_statuses: FilterStatusesTable;
  email_domain_blocks: EmailDomainBlocksTable;
  email_domain_block_attempts: EmailDomainBlockAttemptsTable;
  ip_blocks: IpBlocksTable;
  canonical_email_blocks: CanonicalEmailBlocksTable;
  web_push_subscriptions: WebPushSubscriptionsTable;
  notification_policies: NotificationPoliciesTable;
  notification_requests: NotificationRequestsTable;
  notification_permissions: NotificationPermissionsTable;
  account_warnings: AccountWarningsTable;
  domain_blocks: DomainBlocksTable;
  domain_allows: DomainAllowsTable;
  domain_block_subscriptions: DomainBlockSubscriptionsTable;
  domain_block_pending_changes: DomainBlockPendingChangesTable;
  media_attachments: MediaAttachmentsTable;
}
