// A report from another server (an ActivityPub Flag) about local accounts, as Mastodon's
// ActivityPub::Activity::Flag: one report per local account named, or whose named statuses
// they wrote, with the comment as sent. The reporter is the remote actor (often its server's
// instance actor). Statuses are attached only if the reporting server could have seen them
// (public or unlisted; followers-only when someone there follows the author; anything that
// mentioned someone there), since a remote report is anonymous and unchecked. A Flag is
// stored once per account however often it is delivered (its id is kept).
import { newId } from "../../db/ids.ts";
import type { AccountRow } from "../accounts/queries.ts";
import { getAccounts } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { getStatusRows, type StatusRow } from "../statuses/queries.ts";
import { notifyStaffOfReport } from "./notify-staff.ts";
import type { ReportRow } from "./queries.ts";
import { saveSnapshots, takeSnapshots } from "./snapshots.ts";

/** Remote comments are not held to the local limit, but they are bounded. */
export const REMOTE_COMMENT_LIMIT = 5000;

export interface RemoteReport {
  reporter: AccountRow;
  /** the Flag's id (without one, repeated deliveries cannot be told apart) */
  uri: string | null;
  comment: string;
  /** local accounts named */
  accountIds: readonly string[];
  /** local statuses named */
  statusIds: readonly string[];
}

/** Statuses among `rows` that the reporter's server could have seen. */
async function seenFrom(ctx: Context, domain: string, rows: StatusRow[]): Promise<StatusRow[]> {
  const hidden = rows.filter((s) => s.visibility === "private" || s.visibility === "direct");
  if (hidden.length === 0) return rows;
  const { kysely } = ctx.db;
  const mentioned = await kysely
    .selectFrom("status_mentions")
    .innerJoin("accounts", "accounts.id", "status_mentions.account_id")
    .select("status_mentions.status_id")
    .where(
      "status_mentions.status_id",
      "in",
      hidden.map((s) => s.id),
    )
    .where((eb) => eb(eb.fn("lower", ["accounts.domain"]), "=", domain.toLowerCase()))
    .execute();
  const followedAuthors = await kysely
    .selectFrom("follows")
    .innerJoin("accounts", "accounts.id", "follows.account_id")
    .select("follows.target_account_id")
    .where("follows.target_account_id", "in", [...new Set(hidden.map((s) => s.account_id))])
    .where((eb) => eb(eb.fn("lower", ["accounts.domain"]), "=", domain.toLowerCase()))
    .execute();
  const mentionedIds = new Set(mentioned.map((m) => m.status_id));
  const followed = new Set(followedAuthors.map((f) => f.target_account_id));
  return rows.filter(
    (s) =>
      s.visibility === "public" ||
      s.visibility === "unlisted" ||
      mentionedIds.has(s.id) ||
      (s.visibility === "private" && followed.has(s.account_id)),
  );
}

/** Stores the reports a Flag makes; returns the new ones (none when it was seen before). */
export async function receiveRemoteReport(ctx: Context, input: RemoteReport): Promise<ReportRow[]> {
  const domain = input.reporter.domain;
  if (domain === null) return [];
  const named = [...(await getStatusRows(ctx, input.statusIds)).values()].filter(
    (s) => s.local === 1 && !s.reblog_of_id,
  );
  const statuses = await seenFrom(ctx, domain, named);
  const targets = await getAccounts(ctx, [
    ...input.accountIds,
    ...statuses.map((s) => s.account_id),
  ]);
  const comment = [...input.comment].slice(0, REMOTE_COMMENT_LIMIT).join("");
  const created: ReportRow[] = [];
  for (const target of targets.values()) {
    if (target.domain !== null || target.suspended_at) continue;
    const snapshots = await takeSnapshots(
      ctx,
      statuses.filter((s) => s.account_id === target.id),
    );
    const now = new Date().toISOString();
    const report: ReportRow = {
      id: newId(),
      account_id: input.reporter.id,
      target_account_id: target.id,
      comment,
      category: "other",
      rule_ids: "[]",
      forwarded: 0,
      uri: input.uri,
      assigned_account_id: null,
      action_taken_at: null,
      action_taken_by_account_id: null,
      created_at: now,
      updated_at: now,
    };
    const inserted = await ctx.db.kysely.transaction().execute(async (trx) => {
      const result = await trx
        .insertInto("reports")
        .values(report)
        .onConflict((oc) => oc.columns(["uri", "target_account_id"]).doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await saveSnapshots({ ...ctx, db: { ...ctx.db, kysely: trx } }, report.id, snapshots);
      return true;
    });
    if (!inserted) continue;
    await notifyStaffOfReport(ctx, report);
    created.push(report);
  }
  return created;
}
