// The ordered list of migrations. Names sort in the order they run; never rename or edit one
// that has shipped: add a new one instead. Numbers 0003, 0004 and 0007 were never used; new
// migrations must sort after the last one (Kysely refuses to run one that sorts earlier).
import type { Migration } from "kysely/migration";
import * as m0001 from "./0001_foundation.ts";
import * as m0002 from "./0002_social.ts";
import * as m0005 from "./0005_account_sources.ts";
import * as m0006 from "./0006_timeline_indexes.ts";
import * as m0008 from "./0008_federation.ts";
import * as m0010 from "./0010_remote_federation.ts";
import * as m0011 from "./0011_status_edits.ts";
import * as m0012 from "./0012_account_domain_blocks.ts";
import * as m0013 from "./0013_search.ts";
import * as m0014 from "./0014_delivery_failures.ts";
import * as m0016 from "./0016_polls.ts";
import * as m0017 from "./0017_reports.ts";
import * as m0018 from "./0018_rule_actions.ts";
import * as m0019 from "./0019_lists_conversations.ts";
import * as m0020 from "./0020_scheduled_statuses.ts";
import * as m0021 from "./0021_audit_log.ts";
import * as m0022 from "./0022_filters.ts";
import * as m0023 from "./0023_account_moderation.ts";
import * as m0024 from "./0024_domain_policy.ts";
import * as m0025 from "./0025_signup_safety.ts";
import * as m0026 from "./0026_media.ts";
import * as m0027 from "./0027_push_and_notification_policy.ts";
import * as m0028 from "./0028_report_notes.ts";

export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_social": m0002,
  "0005_account_sources": m0005,
  "0006_timeline_indexes": m0006,
  "0008_federation": m0008,
  "0010_remote_federation": m0010,
  "0011_status_edits": m0011,
  "0012_account_domain_blocks": m0012,
  "0013_search": m0013,
  "0014_delivery_failures": m0014,
  "0016_polls": m0016,
  "0017_reports": m0017,
  "0018_rule_actions": m0018,
  "0019_lists_conversations": m0019,
  "0020_scheduled_statuses": m0020,
  "0021_audit_log": m0021,
  "0022_filters": m0022,
  "0023_account_moderation": m0023,
  "0024_domain_policy": m0024,
  "0025_signup_safety": m0025,
  "0026_media": m0026,
  "0027_push_and_notification_policy": m0027,
  "0028_report_notes": m0028,
};
