// Flag: a report from another server about local accounts or statuses. It becomes a report in
// the moderators' queue (domain/reports/receive.ts), with the remote actor as reporter, the
// comment as sent (Lemmy and Mbin put it in `summary`) and the Flag's id, so that a repeated
// delivery is stored once. A Flag about nothing local (Lemmy reports to a community elsewhere)
// is ignored.
import type { Flag } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import { findAccountByUri } from "../../domain/accounts/remote.ts";
import { receiveRemoteReport } from "../../domain/reports/receive.ts";
import { knownStatus } from "../remote/statuses.ts";
import { type InboxEnv, ignored, type Outcome, stored } from "./env.ts";

const MAX_OBJECTS = 20;

export async function handleFlag(
  env: InboxEnv,
  activity: Flag,
  actor: AccountRow,
): Promise<Outcome> {
  const accountIds: string[] = [];
  const statusIds: string[] = [];
  for (const id of activity.objectIds.slice(0, MAX_OBJECTS)) {
    const account = await findAccountByUri(env.kith, id.href);
    if (account?.domain === null) {
      accountIds.push(account.id);
      continue;
    }
    const status = await knownStatus(env, id.href);
    if (status?.local === 1) statusIds.push(status.id);
  }
  if (accountIds.length === 0 && statusIds.length === 0) return ignored("reports nothing local");
  const comment = (activity.content ?? activity.summary)?.toString() ?? "";
  const reports = await receiveRemoteReport(env.kith, {
    reporter: actor,
    uri: activity.id?.href ?? null,
    comment,
    accountIds,
    statusIds,
  });
  if (reports.length === 0) return ignored("report already stored, or about nobody reportable");
  return stored(`report about ${reports.length} local account(s) stored`);
}
