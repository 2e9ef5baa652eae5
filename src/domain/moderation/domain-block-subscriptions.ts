// Subscriptions to published blocklists (CSV in Mastodon's export format, domain-block-csv.ts).
// A refresh fetches the list (through the fetcher federation gives: bounded, no private
// addresses unless in development mode, conditional on the last ETag) and compares it with the
// blocks: listed domains not blocked are to be blocked, blocks the subscription made are to be
// changed to what the list now says or lifted when the list drops them. Blocks made by hand or
// by another subscription are never touched. In `auto` mode the changes are applied at once (one
// transaction, each audited); in `review` mode they wait as pending changes for an admin to
// approve or reject (a rejected change is remembered and not proposed again).
import { newId } from "../../db/ids.ts";
import type { DomainBlockSubscriptionsTable } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { DomainError, notFound, validation } from "../errors.ts";
import { recordAudit } from "./audit.ts";
import {
  type ListedBlock,
  listedInput,
  parseDomainBlockCsv,
  sameAsListed,
} from "./domain-block-csv.ts";
import {
  changePolicy,
  coveringBlock,
  createDomainBlock,
  deleteDomainBlock,
  findDomainBlock,
  type PolicyActor,
  updateDomainBlock,
} from "./domain-blocks.ts";

export type SubscriptionRow = DomainBlockSubscriptionsTable;
export type SubscriptionMode = SubscriptionRow["mode"];
export const SUBSCRIPTION_QUEUE = "domain_block_subscriptions";

/** What fetching a list gave: its text and ETag, or "not modified" since the ETag given. */
export type BlocklistAnswer =
  | { notModified: true }
  | { notModified: false; text: string; etag: string | null };
export type BlocklistFetcher = (url: string, etag: string | null) => Promise<BlocklistAnswer>;

export interface Change {
  domain: string;
  action: "create" | "update" | "destroy";
  block: ListedBlock;
}

export interface PendingChange extends Change {
  id: string;
  subscriptionId: string;
  url: string;
  state: "pending" | "rejected";
  createdAt: string;
}

export interface RefreshResult {
  notModified: boolean;
  applied: Change[];
  pending: Change[];
}

function checkUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw validation("Validation failed: the URL is not valid");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw validation("Validation failed: the URL must be http or https");
  return url.href;
}

const auditSubscription = (
  ctx: Context,
  actor: PolicyActor,
  action: string,
  s: SubscriptionRow,
  detail: Record<string, unknown> = {},
) =>
  recordAudit(ctx, {
    accountId: actor.accountId,
    action,
    targetType: "domain_block_subscription",
    targetId: s.id,
    targetLabel: s.url,
    detail: { mode: s.mode, ...detail },
  });

export async function addSubscription(
  ctx: Context,
  actor: PolicyActor,
  urlInput: string,
  mode: SubscriptionMode,
): Promise<SubscriptionRow> {
  const url = checkUrl(urlInput);
  if (mode !== "review" && mode !== "auto")
    throw validation("Validation failed: mode is review or auto");
  return changePolicy(ctx, async (tctx) => {
    const taken = await tctx.db.kysely
      .selectFrom("domain_block_subscriptions")
      .select("id")
      .where("url", "=", url)
      .executeTakeFirst();
    if (taken)
      throw new DomainError("validation", `Validation failed: ${url} is subscribed already`);
    const row: SubscriptionRow = {
      id: newId(),
      url,
      mode,
      etag: null,
      last_fetched_at: null,
      last_error: null,
      created_at: new Date().toISOString(),
    };
    await tctx.db.kysely.insertInto("domain_block_subscriptions").values(row).execute();
    await auditSubscription(tctx, actor, "domain_block_subscription.create", row);
    return row;
  });
}

export async function listSubscriptions(ctx: Context): Promise<SubscriptionRow[]> {
  return ctx.db.kysely.selectFrom("domain_block_subscriptions").selectAll().orderBy("id").execute();
}

export async function getSubscription(ctx: Context, idOrUrl: string): Promise<SubscriptionRow> {
  const row = await ctx.db.kysely
    .selectFrom("domain_block_subscriptions")
    .selectAll()
    .where((eb) => eb.or([eb("id", "=", idOrUrl), eb("url", "=", idOrUrl)]))
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** Ends the subscription and drops its pending changes; the blocks it made stay (by hand now). */
export async function removeSubscription(ctx: Context, actor: PolicyActor, idOrUrl: string) {
  return changePolicy(ctx, async (tctx) => {
    const row = await getSubscription(tctx, idOrUrl);
    await tctx.db.kysely
      .updateTable("domain_blocks")
      .set({ subscription_id: null })
      .where("subscription_id", "=", row.id)
      .execute();
    await tctx.db.kysely
      .deleteFrom("domain_block_subscriptions")
      .where("id", "=", row.id)
      .execute();
    await auditSubscription(tctx, actor, "domain_block_subscription.destroy", row);
    return row;
  });
}

/** What it would take for the blocks to say what the list says (see the top of this file). */
export async function diffAgainstList(ctx: Context, sub: SubscriptionRow, listed: ListedBlock[]) {
  const changes: Change[] = [];
  const listedDomains = new Set(listed.map((b) => b.domain));
  for (const b of listed) {
    const existing = await findDomainBlock(ctx, b.domain);
    if (!existing) {
      if (!(await coveringBlock(ctx, b.domain)))
        changes.push({ domain: b.domain, action: "create", block: b });
    } else if (existing.subscription_id === sub.id && !sameAsListed(existing, b))
      changes.push({ domain: b.domain, action: "update", block: b });
  }
  const own = await ctx.db.kysely
    .selectFrom("domain_blocks")
    .selectAll()
    .where("subscription_id", "=", sub.id)
    .execute();
  for (const row of own)
    if (!listedDomains.has(row.domain))
      changes.push({
        domain: row.domain,
        action: "destroy",
        block: {
          domain: row.domain,
          severity: row.severity,
          rejectMedia: row.reject_media === 1,
          rejectReports: row.reject_reports === 1,
          publicComment: row.public_comment,
          obfuscate: row.obfuscate === 1,
        },
      });
  return changes;
}

/** Applies one change, if the blocks still allow it; false when it no longer applies. */
async function applyChange(ctx: Context, sub: SubscriptionRow, actor: PolicyActor, change: Change) {
  const existing = await findDomainBlock(ctx, change.domain);
  if (change.action === "create") {
    if (await coveringBlock(ctx, change.domain)) return false;
    await createDomainBlock(ctx, actor, change.domain, listedInput(change.block), sub.id);
    return true;
  }
  if (!existing || existing.subscription_id !== sub.id) return false;
  if (change.action === "update")
    await updateDomainBlock(ctx, actor, existing.id, listedInput(change.block));
  else await deleteDomainBlock(ctx, actor, existing.id);
  return true;
}

const subscriptionActor = (sub: SubscriptionRow, accountId: string | null = null): PolicyActor => ({
  accountId,
  via: `subscription ${sub.url}`,
});

/** Fetches the list and applies or holds its changes. A list that fails to fetch or parse
 * changes nothing; the error is kept on the subscription and thrown. */
export async function refreshSubscription(
  ctx: Context,
  idOrUrl: string,
  fetchList: BlocklistFetcher,
): Promise<RefreshResult> {
  const sub = await getSubscription(ctx, idOrUrl);
  const now = new Date().toISOString();
  let listed: ListedBlock[];
  let etag: string | null;
  try {
    const answer = await fetchList(sub.url, sub.etag);
    if (answer.notModified) {
      await ctx.db.kysely
        .updateTable("domain_block_subscriptions")
        .set({ last_fetched_at: now, last_error: null })
        .where("id", "=", sub.id)
        .execute();
      return { notModified: true, applied: [], pending: [] };
    }
    listed = parseDomainBlockCsv(ctx, answer.text);
    etag = answer.etag;
  } catch (error) {
    await ctx.db.kysely
      .updateTable("domain_block_subscriptions")
      .set({ last_fetched_at: now, last_error: (error as Error).message.slice(0, 1000) })
      .where("id", "=", sub.id)
      .execute();
    throw error;
  }
  return changePolicy(ctx, async (tctx) => {
    const changes = await diffAgainstList(tctx, sub, listed);
    const result: RefreshResult = { notModified: false, applied: [], pending: [] };
    if (sub.mode === "auto") {
      for (const change of changes)
        if (await applyChange(tctx, sub, subscriptionActor(sub), change))
          result.applied.push(change);
      if (result.applied.length > 0)
        await auditSubscription(tctx, { accountId: null }, "domain_block_subscription.apply", sub, {
          changes: result.applied.map((c) => `${c.action} ${c.domain}`),
        });
    } else result.pending = await holdChanges(tctx, sub, changes);
    await tctx.db.kysely
      .updateTable("domain_block_subscriptions")
      .set({ etag, last_fetched_at: now, last_error: null })
      .where("id", "=", sub.id)
      .execute();
    return result;
  });
}

/** Replaces the subscription's pending changes with `changes`, keeping rejections of the very
 * same change. Returns the changes now pending. */
async function holdChanges(
  ctx: Context,
  sub: SubscriptionRow,
  changes: Change[],
): Promise<Change[]> {
  const { kysely } = ctx.db;
  const held = await kysely
    .selectFrom("domain_block_pending_changes")
    .selectAll()
    .where("subscription_id", "=", sub.id)
    .execute();
  const byDomain = new Map(held.map((h) => [h.domain, h]));
  const pending: Change[] = [];
  const wanted = new Set(changes.map((c) => c.domain));
  for (const h of held)
    if (!wanted.has(h.domain))
      await kysely.deleteFrom("domain_block_pending_changes").where("id", "=", h.id).execute();
  for (const change of changes) {
    const block = JSON.stringify(change.block);
    const old = byDomain.get(change.domain);
    if (old && old.action === change.action && old.block === block) {
      if (old.state === "pending") pending.push(change);
      continue;
    }
    if (old)
      await kysely.deleteFrom("domain_block_pending_changes").where("id", "=", old.id).execute();
    await kysely
      .insertInto("domain_block_pending_changes")
      .values({
        id: newId(),
        subscription_id: sub.id,
        domain: change.domain,
        action: change.action,
        block,
        state: "pending",
        created_at: new Date().toISOString(),
      })
      .execute();
    pending.push(change);
  }
  return pending;
}

export async function listPendingChanges(
  ctx: Context,
  options: { includeRejected?: boolean } = {},
): Promise<PendingChange[]> {
  let q = ctx.db.kysely
    .selectFrom("domain_block_pending_changes as p")
    .innerJoin("domain_block_subscriptions as s", "s.id", "p.subscription_id")
    .selectAll("p")
    .select("s.url")
    .orderBy("p.id");
  if (!options.includeRejected) q = q.where("p.state", "=", "pending");
  return (await q.execute()).map((r) => ({
    id: r.id,
    subscriptionId: r.subscription_id,
    url: r.url,
    domain: r.domain,
    action: r.action,
    block: JSON.parse(r.block) as ListedBlock,
    state: r.state,
    createdAt: r.created_at,
  }));
}

async function pendingChange(ctx: Context, id: string) {
  const row = (await listPendingChanges(ctx)).find((p) => p.id === id);
  if (!row) throw notFound();
  return row;
}

/** Applies a pending change (audited as the approving admin's); false when it no longer
 * applies (the blocks changed since), in which case it is dropped all the same. */
export async function approvePendingChange(ctx: Context, actor: PolicyActor, id: string) {
  return changePolicy(ctx, async (tctx) => {
    const change = await pendingChange(tctx, id);
    const sub = await getSubscription(tctx, change.subscriptionId);
    await tctx.db.kysely.deleteFrom("domain_block_pending_changes").where("id", "=", id).execute();
    const applied = await applyChange(tctx, sub, subscriptionActor(sub, actor.accountId), change);
    await auditSubscription(tctx, actor, "domain_block_subscription.approve", sub, {
      change: `${change.action} ${change.domain}`,
      applied,
    });
    return applied;
  });
}

export async function rejectPendingChange(ctx: Context, actor: PolicyActor, id: string) {
  return changePolicy(ctx, async (tctx) => {
    const change = await pendingChange(tctx, id);
    const sub = await getSubscription(tctx, change.subscriptionId);
    await tctx.db.kysely
      .updateTable("domain_block_pending_changes")
      .set({ state: "rejected" })
      .where("id", "=", id)
      .execute();
    await auditSubscription(tctx, actor, "domain_block_subscription.reject", sub, {
      change: `${change.action} ${change.domain}`,
    });
  });
}

/** The periodic job: every subscription refreshed, one failing list not stopping the others. */
export async function refreshAllSubscriptions(ctx: Context, fetchList: BlocklistFetcher) {
  const failures: string[] = [];
  for (const sub of await listSubscriptions(ctx)) {
    try {
      await refreshSubscription(ctx, sub.id, fetchList);
    } catch (error) {
      failures.push(`${sub.url}: ${(error as Error).message}`);
    }
  }
  return failures;
}
