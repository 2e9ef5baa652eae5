// IP blocks (Mastodon's IpBlock): a range and what comes from it may not do. sign_up_requires_-
// approval puts new accounts in the approval queue, sign_up_block refuses sign-ups, no_access
// refuses every request (the HTTP middleware asks `ipHasNoAccess`). A block may expire. Every
// change is recorded in the audit log in its own transaction.
import type { Config } from "../../config.ts";
import { isId, newId } from "../../db/ids.ts";
import type { IpBlockSeverity } from "../../db/schema.ts";
import { type Context, inTransaction } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";
import { recordAudit } from "./audit.ts";
import { formatIpRange, type IpRange, parseIpRange, rangeContains } from "./ip-ranges.ts";

export const IP_BLOCK_SEVERITIES: readonly IpBlockSeverity[] = [
  "sign_up_requires_approval",
  "sign_up_block",
  "no_access",
];

export interface IpBlock {
  id: string;
  /** CIDR, e.g. 192.0.2.0/24 */
  ip: string;
  severity: IpBlockSeverity;
  comment: string;
  expiresAt: string | null;
  createdAt: string;
}

export interface IpBlockInput {
  ip?: string | undefined;
  severity?: string | undefined;
  comment?: string | undefined;
  /** seconds from now; null for a block that never expires */
  expiresIn?: number | null | undefined;
}

const COMMENT_LIMIT = 1000;

type Row = {
  id: string;
  ip: string;
  prefix: number;
  severity: IpBlockSeverity;
  comment: string;
  expires_at: string | null;
  created_at: string;
};

const toBlock = (r: Row): IpBlock => ({
  id: r.id,
  ip: formatIpRange({ address: r.ip, prefix: Number(r.prefix) }),
  severity: r.severity,
  comment: r.comment,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
});

function unexpired(ctx: Context) {
  const now = new Date().toISOString();
  return ctx.db.kysely
    .selectFrom("ip_blocks")
    .selectAll()
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]));
}

/** Blocks in force, newest first, in Mastodon's cursor pages. */
export async function listIpBlocks(ctx: Context, page: Page): Promise<IpBlock[]> {
  return finishPage(await applyPage(unexpired(ctx), "id", page).execute(), page).map(toBlock);
}

export async function getIpBlock(ctx: Context, id: string): Promise<IpBlock> {
  if (!isId(id)) throw notFound();
  const row = await unexpired(ctx).where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound();
  return toBlock(row);
}

function checkedRange(ip: string | undefined): IpRange {
  const range = ip === undefined ? null : parseIpRange(ip);
  if (!range) throw validation("Validation failed: Ip is not a valid IP address or CIDR range");
  return range;
}

function checkedSeverity(severity: string | undefined): IpBlockSeverity {
  if (!IP_BLOCK_SEVERITIES.includes(severity as IpBlockSeverity))
    throw validation(
      `Validation failed: Severity must be one of ${IP_BLOCK_SEVERITIES.join(", ")}`,
    );
  return severity as IpBlockSeverity;
}

function checkedComment(comment: string | undefined): string {
  const c = (comment ?? "").trim();
  if (c.includes("\u0000") || [...c].length > COMMENT_LIMIT)
    throw validation(`Validation failed: Comment is invalid (at most ${COMMENT_LIMIT} characters)`);
  return c;
}

function expiry(expiresIn: number | null | undefined): string | null {
  if (expiresIn == null) return null;
  if (!Number.isInteger(expiresIn) || expiresIn <= 0 || expiresIn > 100 * 365 * 86_400)
    throw validation("Validation failed: Expires in must be a number of seconds above 0");
  return new Date(Date.now() + expiresIn * 1000).toISOString();
}

const taken = () => validation("Validation failed: Ip has already been taken");

/** Whether another block in force has this range; an expired one is dropped to make room. */
async function rangeTaken(ctx: Context, range: IpRange, exceptId?: string): Promise<boolean> {
  await ctx.db.kysely
    .deleteFrom("ip_blocks")
    .where("ip", "=", range.address)
    .where("prefix", "=", range.prefix)
    .where("expires_at", "<=", new Date().toISOString())
    .execute();
  let q = ctx.db.kysely
    .selectFrom("ip_blocks")
    .select("id")
    .where("ip", "=", range.address)
    .where("prefix", "=", range.prefix);
  if (exceptId) q = q.where("id", "!=", exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** `actorId`: the admin's account, or null for the operator at the command line. */
export async function createIpBlock(
  ctx: Context,
  actorId: string | null,
  input: IpBlockInput,
): Promise<IpBlock> {
  const range = checkedRange(input.ip);
  const severity = checkedSeverity(input.severity);
  const comment = checkedComment(input.comment);
  const expiresAt = expiry(input.expiresIn);
  const now = new Date().toISOString();
  const row: Row = {
    id: newId(),
    ip: range.address,
    prefix: range.prefix,
    severity,
    comment,
    expires_at: expiresAt,
    created_at: now,
  };
  await inTransaction(ctx, async (tctx) => {
    if (await rangeTaken(tctx, range)) throw taken();
    const inserted = await tctx.db.kysely
      .insertInto("ip_blocks")
      .values({ ...row, updated_at: now })
      .onConflict((oc) => oc.doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) throw taken();
    await recordAudit(tctx, {
      accountId: actorId,
      action: "ip_block.create",
      targetType: "ip_block",
      targetId: row.id,
      targetLabel: formatIpRange(range),
      detail: { severity, comment, expires_at: expiresAt },
    });
  });
  blocksChanged();
  return toBlock(row);
}

export async function updateIpBlock(
  ctx: Context,
  actorId: string | null,
  id: string,
  changes: IpBlockInput,
): Promise<IpBlock> {
  const current = await getIpBlock(ctx, id);
  const range = changes.ip !== undefined ? checkedRange(changes.ip) : parseIpRange(current.ip)!;
  const next = {
    ip: range.address,
    prefix: range.prefix,
    severity: changes.severity !== undefined ? checkedSeverity(changes.severity) : current.severity,
    comment: changes.comment !== undefined ? checkedComment(changes.comment) : current.comment,
    expires_at: changes.expiresIn !== undefined ? expiry(changes.expiresIn) : current.expiresAt,
    updated_at: new Date().toISOString(),
  };
  await inTransaction(ctx, async (tctx) => {
    if (await rangeTaken(tctx, range, id)) throw taken();
    await tctx.db.kysely.updateTable("ip_blocks").set(next).where("id", "=", id).execute();
    await recordAudit(tctx, {
      accountId: actorId,
      action: "ip_block.update",
      targetType: "ip_block",
      targetId: id,
      targetLabel: formatIpRange(range),
      detail: {
        ...(formatIpRange(range) !== current.ip ? { previous_ip: current.ip } : {}),
        severity: next.severity,
        comment: next.comment,
        expires_at: next.expires_at,
      },
    });
  });
  blocksChanged();
  return {
    ...current,
    ip: formatIpRange(range),
    severity: next.severity,
    comment: next.comment,
    expiresAt: next.expires_at,
  };
}

export async function removeIpBlock(ctx: Context, actorId: string | null, id: string) {
  const current = await getIpBlock(ctx, id);
  await inTransaction(ctx, async (tctx) => {
    await tctx.db.kysely.deleteFrom("ip_blocks").where("id", "=", id).execute();
    await recordAudit(tctx, {
      accountId: actorId,
      action: "ip_block.destroy",
      targetType: "ip_block",
      targetId: id,
      targetLabel: current.ip,
      detail: { severity: current.severity },
    });
  });
  blocksChanged();
}

/** Drops expired blocks (readers ignore them already); the periodic job calls this. */
export async function pruneExpiredIpBlocks(ctx: Context): Promise<number> {
  const result = await ctx.db.kysely
    .deleteFrom("ip_blocks")
    .where("expires_at", "<=", new Date().toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

interface InForce {
  range: IpRange;
  severity: IpBlockSeverity;
  expiresAt: string | null;
}

async function blocksInForce(ctx: Context): Promise<InForce[]> {
  return (await unexpired(ctx).execute()).map((r) => ({
    range: parseIpRange(formatIpRange({ address: r.ip, prefix: Number(r.prefix) }))!,
    severity: r.severity,
    expiresAt: r.expires_at,
  }));
}

const covering = (blocks: InForce[], ip: string, now: string) =>
  blocks.filter((b) => (b.expiresAt === null || b.expiresAt > now) && rangeContains(b.range, ip));

/**
 * What a sign-up from `ip` gets: refused ("block", for sign_up_block and no_access), queued
 * for approval ("approval"), or nothing to say (null). Read fresh: sign-ups are rare.
 */
export async function signUpIpPolicy(
  ctx: Context,
  ip: string | null,
): Promise<"block" | "approval" | null> {
  if (!ip) return null;
  const found = covering(await blocksInForce(ctx), ip, new Date().toISOString());
  if (found.some((b) => b.severity !== "sign_up_requires_approval")) return "block";
  return found.length > 0 ? "approval" : null;
}

// Every request asks about no_access, so each process keeps the no_access ranges for a short
// while: a change made in this process applies at once, one made in another within CACHE_MS.
const CACHE_MS = 15_000;
let generation = 0;
const noAccessCache = new WeakMap<
  Config,
  { generation: number; loadedAt: number; blocks: Promise<InForce[]> }
>();

function blocksChanged(): void {
  generation += 1;
}

/** Whether requests from `ip` are refused altogether (a no_access block covers it). */
export async function ipHasNoAccess(ctx: Context, ip: string): Promise<boolean> {
  let cached = noAccessCache.get(ctx.config);
  if (!cached || cached.generation !== generation || Date.now() - cached.loadedAt > CACHE_MS) {
    const blocks = blocksInForce(ctx).then((all) => all.filter((b) => b.severity === "no_access"));
    cached = { generation, loadedAt: Date.now(), blocks };
    noAccessCache.set(ctx.config, cached);
    // A failed load is not kept: the next request tries again.
    blocks.catch(() => noAccessCache.delete(ctx.config));
  }
  const blocks = await cached.blocks;
  return blocks.length > 0 && covering(blocks, ip, new Date().toISOString()).length > 0;
}
