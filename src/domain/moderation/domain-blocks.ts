// Instance-level domain blocks (Mastodon's DomainBlock, BlockDomainService and
// UnblockDomainService): create, change and lift them, each with its audit entry in the same
// transaction. A suspension marks the domain's known accounts suspended (their content is
// hidden everywhere) and ends every follow and follow request between them and local accounts,
// both ways; a silence marks them silenced. The marks carry the block's creation time, so
// lifting the block clears exactly the marks it made, not those of individual moderation.
import { type Expression, type SqlBool, sql } from "kysely";
import { newId } from "../../db/ids.ts";
import type { DomainBlockSeverity, DomainBlocksTable } from "../../db/schema.ts";
import { type Context, inTransaction } from "../context.ts";
import { DomainError, notFound, validation } from "../errors.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";
import { normaliseDomain } from "../relationships/domain-blocks.ts";
import { unfollow } from "../relationships/follow.ts";
import { recordAudit } from "./audit.ts";
import { bumpPolicyVersion, candidateDomains, forgetPolicy } from "./domain-policy.ts";

export const SEVERITIES = ["noop", "silence", "suspend"] as const;
const MAX_COMMENT = 5000;

export type DomainBlockRow = DomainBlocksTable;

export interface DomainBlockInput {
  severity?: DomainBlockSeverity | undefined;
  rejectMedia?: boolean | undefined;
  rejectReports?: boolean | undefined;
  privateComment?: string | null | undefined;
  publicComment?: string | null | undefined;
  obfuscate?: boolean | undefined;
}

/** Who acts: a moderator's account, or null for the operator at the command line; `via`
 * names an import or subscription in the audit entry. */
export interface PolicyActor {
  accountId: string | null;
  via?: string;
}

const bit = (b: boolean | undefined, fallback: number) => (b === undefined ? fallback : b ? 1 : 0);

function checkComment(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (value.length > MAX_COMMENT)
    throw validation(`Validation failed: comments are at most ${MAX_COMMENT} characters`);
  return value.trim() === "" ? null : value;
}

/** A domain as blocks store it; never this server's own. */
export function blockableDomain(ctx: Context, input: string): string {
  const domain = normaliseDomain(input);
  if (domain === ctx.config.domain.toLowerCase() || domain === new URL(ctx.config.origin).host)
    throw validation("Validation failed: Domain is this server's own");
  return domain;
}

/** Accounts whose domain is `domain` or one of its subdomains (any port unless one is given). */
export function accountsOfDomain(domain: string, column = "domain"): Expression<SqlBool> {
  const ref = sql.ref(column);
  if (/:\d+$/.test(domain))
    return sql<SqlBool>`(${ref} = ${domain} OR ${ref} LIKE ${`%.${domain}`})`;
  return sql<SqlBool>`(${ref} = ${domain} OR ${ref} LIKE ${`${domain}:%`} OR ${ref} LIKE ${`%.${domain}`} OR ${ref} LIKE ${`%.${domain}:%`})`;
}

export async function listDomainBlocks(ctx: Context, page: Page): Promise<DomainBlockRow[]> {
  const q = ctx.db.kysely.selectFrom("domain_blocks").selectAll();
  return finishPage(await applyPage(q, "id", page).execute(), page);
}

export async function allDomainBlocks(ctx: Context): Promise<DomainBlockRow[]> {
  return ctx.db.kysely.selectFrom("domain_blocks").selectAll().orderBy("domain").execute();
}

export async function getDomainBlock(ctx: Context, id: string): Promise<DomainBlockRow> {
  const row = await ctx.db.kysely
    .selectFrom("domain_blocks")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function findDomainBlock(ctx: Context, domain: string) {
  return ctx.db.kysely
    .selectFrom("domain_blocks")
    .selectAll()
    .where("domain", "=", domain)
    .executeTakeFirst();
}

/** The block on `domain` itself or on a parent domain, most specific first (rule_for). */
export async function coveringBlock(ctx: Context, domain: string) {
  const rows = await ctx.db.kysely
    .selectFrom("domain_blocks")
    .selectAll()
    .where("domain", "in", candidateDomains(domain))
    .execute();
  return rows.sort((a, b) => b.domain.length - a.domain.length)[0];
}

/** Runs `work` in a transaction that bumps the policy version, and forgets the cached policy
 * once it has committed. */
export async function changePolicy<T>(ctx: Context, work: (tctx: Context) => Promise<T>) {
  const result = await inTransaction(ctx, async (tctx) => {
    const out = await work(tctx);
    await bumpPolicyVersion(tctx);
    return out;
  });
  forgetPolicy(ctx);
  return result;
}

const auditDetail = (b: DomainBlockRow, actor: PolicyActor) => ({
  severity: b.severity,
  reject_media: b.reject_media === 1,
  reject_reports: b.reject_reports === 1,
  obfuscate: b.obfuscate === 1,
  public_comment: b.public_comment,
  private_comment: b.private_comment,
  ...(actor.via ? { via: actor.via } : {}),
});

async function audit(
  ctx: Context,
  actor: PolicyActor,
  action: string,
  block: DomainBlockRow,
): Promise<void> {
  await recordAudit(ctx, {
    accountId: actor.accountId,
    action,
    targetType: "domain_block",
    targetId: block.id,
    targetLabel: block.domain,
    detail: auditDetail(block, actor),
  });
}

/** Mastodon's DomainBlock#stricter_than?: may a subdomain get this block under `other`? */
export function stricterThan(
  block: { severity: DomainBlockSeverity; rejectMedia: boolean; rejectReports: boolean },
  other: DomainBlockRow,
): boolean {
  if (block.severity === "suspend") return true;
  if (other.severity === "suspend") return false;
  if (other.severity === "silence" && block.severity === "noop") return false;
  return (
    (block.rejectMedia || other.reject_media === 0) &&
    (block.rejectReports || other.reject_reports === 0)
  );
}

/** Blocks a domain. A domain blocked already, or covered by a parent domain's block at least
 * as strict, is a 422 (the error's details carry that block), as in Mastodon. Joins a
 * transaction. */
export async function createDomainBlock(
  ctx: Context,
  actor: PolicyActor,
  domainInput: string,
  input: DomainBlockInput,
  subscriptionId: string | null = null,
): Promise<DomainBlockRow> {
  const domain = blockableDomain(ctx, domainInput);
  const severity = input.severity ?? "silence";
  if (!SEVERITIES.includes(severity)) throw validation("Validation failed: Severity is invalid");
  return changePolicy(ctx, async (tctx) => {
    const existing = await coveringBlock(tctx, domain);
    const wanted = {
      severity,
      rejectMedia: input.rejectMedia ?? false,
      rejectReports: input.rejectReports ?? false,
    };
    if (existing && (existing.domain === domain || !stricterThan(wanted, existing)))
      throw new DomainError(
        "validation",
        `Validation failed: ${existing.domain} is already blocked`,
        {
          existing_domain_block: existing,
        },
      );
    const now = new Date().toISOString();
    const row: DomainBlockRow = {
      id: newId(),
      domain,
      severity,
      reject_media: bit(input.rejectMedia, 0),
      reject_reports: bit(input.rejectReports, 0),
      private_comment: checkComment(input.privateComment) ?? null,
      public_comment: checkComment(input.publicComment) ?? null,
      obfuscate: bit(input.obfuscate, 0),
      subscription_id: subscriptionId,
      created_at: now,
      updated_at: now,
    };
    await tctx.db.kysely.insertInto("domain_blocks").values(row).execute();
    await applyEffects(tctx, row);
    await audit(tctx, actor, "domain_block.create", row);
    return row;
  });
}

export async function updateDomainBlock(
  ctx: Context,
  actor: PolicyActor,
  id: string,
  input: DomainBlockInput,
): Promise<DomainBlockRow> {
  if (input.severity !== undefined && !SEVERITIES.includes(input.severity))
    throw validation("Validation failed: Severity is invalid");
  return changePolicy(ctx, async (tctx) => {
    const old = await getDomainBlock(tctx, id);
    const row: DomainBlockRow = {
      ...old,
      severity: input.severity ?? old.severity,
      reject_media: bit(input.rejectMedia, old.reject_media),
      reject_reports: bit(input.rejectReports, old.reject_reports),
      private_comment:
        input.privateComment === undefined
          ? old.private_comment
          : (checkComment(input.privateComment) ?? null),
      public_comment:
        input.publicComment === undefined
          ? old.public_comment
          : (checkComment(input.publicComment) ?? null),
      obfuscate: bit(input.obfuscate, old.obfuscate),
      updated_at: new Date().toISOString(),
    };
    const { id: _id, domain: _d, created_at: _c, ...changes } = row;
    await tctx.db.kysely.updateTable("domain_blocks").set(changes).where("id", "=", id).execute();
    if (row.severity !== old.severity) {
      await reverseEffects(tctx, old);
      await applyEffects(tctx, row);
    }
    await audit(tctx, actor, "domain_block.update", row);
    return row;
  });
}

export async function deleteDomainBlock(
  ctx: Context,
  actor: PolicyActor,
  id: string,
): Promise<DomainBlockRow> {
  return changePolicy(ctx, async (tctx) => {
    const row = await getDomainBlock(tctx, id);
    await tctx.db.kysely.deleteFrom("domain_blocks").where("id", "=", id).execute();
    await reverseEffects(tctx, row);
    await audit(tctx, actor, "domain_block.destroy", row);
    return row;
  });
}

/** What a block does to the accounts already known (BlockDomainService). */
async function applyEffects(ctx: Context, block: DomainBlockRow): Promise<void> {
  const { kysely } = ctx.db;
  const mark = block.severity === "suspend" ? "suspended_at" : "silenced_at";
  if (block.severity === "noop") return;
  await kysely
    .updateTable("accounts")
    .set({ [mark]: block.created_at })
    .where("domain", "is not", null)
    .where(accountsOfDomain(block.domain))
    .where(mark, "is", null)
    .execute();
  if (block.severity === "suspend") await severFollows(ctx, block.domain);
}

/** Ends every follow and follow request between local accounts and the domain's, both ways;
 * no delivery goes out for them (the domain is suspended by now). */
async function severFollows(ctx: Context, domain: string): Promise<void> {
  const pairs = (table: "follows" | "follow_requests") =>
    ctx.db.kysely
      .selectFrom(`${table} as f`)
      .innerJoin("accounts as src", "src.id", "f.account_id")
      .innerJoin("accounts as dst", "dst.id", "f.target_account_id")
      .select(["f.account_id as followerId", "f.target_account_id as targetId"])
      .where((eb) =>
        eb.or([
          eb.and([eb("src.domain", "is", null), accountsOfDomain(domain, "dst.domain")]),
          eb.and([eb("dst.domain", "is", null), accountsOfDomain(domain, "src.domain")]),
        ]),
      )
      .execute();
  for (const table of ["follows", "follow_requests"] as const)
    for (const { followerId, targetId } of await pairs(table))
      await unfollow(ctx, followerId, targetId);
}

/** Clears the marks the block made (UnblockDomainService). */
async function reverseEffects(ctx: Context, block: DomainBlockRow): Promise<void> {
  for (const mark of ["suspended_at", "silenced_at"] as const)
    await ctx.db.kysely
      .updateTable("accounts")
      .set({ [mark]: null })
      .where("domain", "is not", null)
      .where(accountsOfDomain(block.domain))
      .where(mark, "=", block.created_at)
      .execute();
}

/** The domain's accounts a block (as it is now) holds marked. */
export async function affectedAccounts(ctx: Context, block: DomainBlockRow): Promise<number> {
  if (block.severity === "noop") return 0;
  const mark = block.severity === "suspend" ? "suspended_at" : "silenced_at";
  const row = await ctx.db.kysely
    .selectFrom("accounts")
    .select((eb) => eb.fn.countAll().as("n"))
    .where(accountsOfDomain(block.domain))
    .where(mark, "=", block.created_at)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
