// The AccountWarning entity (Mastodon 4.3): a strike as its owner sees it in a notification.
import type { Config } from "../../config.ts";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { type AccountWarningRow, statusIdsOf } from "../../domain/moderation/warnings.ts";
import { renderAccount } from "./account.ts";

export function renderAccountWarning(config: Config, w: AccountWarningRow, target: AccountRow) {
  const statusIds = statusIdsOf(w);
  return {
    id: w.id,
    action: w.action,
    text: w.text,
    status_ids: statusIds.length > 0 ? statusIds : null,
    target_account: renderAccount(config, target),
    appeal: null,
    created_at: w.created_at,
  };
}
