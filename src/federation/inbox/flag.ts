// Flag: a report from another server about local accounts or statuses. Kith has no reports
// table yet, so a report that names something local is logged for the admins (at warning
// level, with the reporter, the comment and what it names) and otherwise dropped; a report
// about nothing local (Lemmy reports to a community elsewhere) is ignored.
import type { Flag } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { findAccountByUri } from "../../domain/accounts/remote.ts";
import { logger } from "../../logging.ts";
import { knownStatus } from "../remote/statuses.ts";
import { type InboxEnv, ignored, type Outcome } from "./env.ts";

const log = logger("federation", "reports");
const MAX_OBJECTS = 20;

export async function handleFlag(
  env: InboxEnv,
  activity: Flag,
  actor: AccountRow,
): Promise<Outcome> {
  const accounts: string[] = [];
  const statuses: string[] = [];
  for (const id of activity.objectIds.slice(0, MAX_OBJECTS)) {
    const account = await findAccountByUri(env.kith, id.href);
    if (account?.domain === null) {
      accounts.push(account.username);
      continue;
    }
    const status = await knownStatus(env, id.href);
    if (status?.local === 1) statuses.push(status.id);
  }
  if (accounts.length === 0 && statuses.length === 0) return ignored("reports nothing local");
  log.warning("Report from {reporter} about {accounts} {statuses}: {comment}", {
    reporter: actor.uri,
    accounts,
    statuses,
    comment: activity.content?.toString() ?? "",
  });
  return ignored("report logged for the admins (Kith has no reports table yet)");
}
