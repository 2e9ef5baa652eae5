// Table types for Kysely. Conventions that hold on both SQLite and PostgreSQL:
// - IDs are 18-digit strings (see ids.ts);
// - times are ISO 8601 UTC strings with milliseconds, which sort as text;
// - booleans are integers 0/1 (SQLite has no boolean type);
// - JSON is stored as text and parsed at the edge of the db layer.
import type { ColumnType, Generated } from "kysely";

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
  statuses_count: Generated<number>;
  followers_count: Generated<number>;
  following_count: Generated<number>;
  last_status_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  fetched_at: Timestamp | null;
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
}

export interface Database {
  settings: SettingsTable;
  accounts: AccountsTable;
  users: UsersTable;
  jobs: JobsTable;
}

export type { ColumnType };
