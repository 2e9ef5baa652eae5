// E-mail domain blocks (Mastodon's EmailDomainBlock): nobody may sign up with an address at a
// blocked domain or any of its subdomains. Each refused attempt is kept for a week, for the
// per-day history the admin API shows. Mastodon also blocks domains whose MX records point at
// a blocked domain; Kith does no DNS look-ups at sign-up, so only the address's own domain
// counts. Every change is recorded in the audit log in its own transaction.
import { domainToASCII } from "node:url";
import { isId, newId } from "../../db/ids.ts";
import { type Context, inTransaction } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";
import { recordAudit } from "./audit.ts";

export interface EmailDomainBlock {
  id: string;
  domain: string;
  createdAt: string;
  /** the last 7 days, today first: refused sign-up attempts and the distinct IPs they came from */
  history: { day: Date; uses: number; ips: number }[];
}

const DAY_MS = 86_400_000;
export const HISTORY_DAYS = 7;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Lower case, IDNA (punycode), no trailing dot; null when it is not a domain name. */
export function normalizeEmailDomain(input: string): string | null {
  const trimmed = input.trim().replace(/\.$/, "");
  if (!trimmed || trimmed.length > 253 || /[\s/@:]/.test(trimmed)) return null;
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (!ascii?.split(".").every((label) => LABEL.test(label))) return null;
  return ascii;
}

/** The domain and every parent: mail.spam.example, spam.example, example. */
function domainAndParents(domain: string): string[] {
  const labels = domain.split(".");
  return labels.map((_, i) => labels.slice(i).join("."));
}

async function withHistory(
  ctx: Context,
  rows: { id: string; domain: string; created_at: string }[],
  now = Date.now(),
): Promise<EmailDomainBlock[]> {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const since = new Date(today - (HISTORY_DAYS - 1) * DAY_MS).toISOString();
  const attempts =
    rows.length === 0
      ? []
      : await ctx.db.kysely
          .selectFrom("email_domain_block_attempts")
          .select(["email_domain_block_id", "ip", "created_at"])
          .where(
            "email_domain_block_id",
            "in",
            rows.map((r) => r.id),
          )
          .where("created_at", ">=", since)
          .execute();
  return rows.map((r) => {
    const mine = attempts.filter((a) => a.email_domain_block_id === r.id);
    const history = Array.from({ length: HISTORY_DAYS }, (_, i) => {
      const start = today - i * DAY_MS;
      const that = mine.filter((a) => {
        const t = Date.parse(a.created_at);
        return t >= start && t < start + DAY_MS;
      });
      return {
        day: new Date(start),
        uses: that.length,
        ips: new Set(that.map((a) => a.ip ?? "")).size,
      };
    });
    return { id: r.id, domain: r.domain, createdAt: r.created_at, history };
  });
}

/** Blocks newest first, in Mastodon's cursor pages. */
export async function listEmailDomainBlocks(ctx: Context, page: Page): Promise<EmailDomainBlock[]> {
  const q = ctx.db.kysely.selectFrom("email_domain_blocks").select(["id", "domain", "created_at"]);
  return withHistory(ctx, finishPage(await applyPage(q, "id", page).execute(), page));
}

export async function getEmailDomainBlock(ctx: Context, id: string): Promise<EmailDomainBlock> {
  if (!isId(id)) throw notFound();
  const row = await ctx.db.kysely
    .selectFrom("email_domain_blocks")
    .select(["id", "domain", "created_at"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound();
  return (await withHistory(ctx, [row]))[0]!;
}

/** `actorId`: the admin's account, or null for the operator at the command line. */
export async function createEmailDomainBlock(
  ctx: Context,
  actorId: string | null,
  domainInput: string,
): Promise<EmailDomainBlock> {
  if (!domainInput.trim()) throw validation("Validation failed: Domain can't be blank");
  const domain = normalizeEmailDomain(domainInput);
  if (!domain) throw validation("Validation failed: Domain is not a valid domain name");
  const now = new Date().toISOString();
  const row = { id: newId(), domain, created_at: now };
  await inTransaction(ctx, async (tctx) => {
    const inserted = await tctx.db.kysely
      .insertInto("email_domain_blocks")
      .values({ ...row, updated_at: now })
      .onConflict((oc) => oc.doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) throw validation("Validation failed: Domain has already been taken");
    await recordAudit(tctx, {
      accountId: actorId,
      action: "email_domain_block.create",
      targetType: "email_domain_block",
      targetId: row.id,
      targetLabel: domain,
    });
  });
  return (await withHistory(ctx, [row]))[0]!;
}

export async function removeEmailDomainBlock(
  ctx: Context,
  actorId: string | null,
  id: string,
): Promise<void> {
  const block = await getEmailDomainBlock(ctx, id);
  await inTransaction(ctx, async (tctx) => {
    await tctx.db.kysely.deleteFrom("email_domain_blocks").where("id", "=", id).execute();
    await recordAudit(tctx, {
      accountId: actorId,
      action: "email_domain_block.destroy",
      targetType: "email_domain_block",
      targetId: id,
      targetLabel: block.domain,
    });
  });
}

/** The block by domain, for the command line (which names domains, not IDs). */
export async function findEmailDomainBlock(ctx: Context, domainInput: string) {
  const domain = normalizeEmailDomain(domainInput);
  if (!domain) throw validation("Validation failed: Domain is not a valid domain name");
  const row = await ctx.db.kysely
    .selectFrom("email_domain_blocks")
    .select("id")
    .where("domain", "=", domain)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row.id;
}

/**
 * Whether sign-ups with this address are refused: its domain or a parent of it is blocked.
 * A refused attempt is counted in the block's history with the client's address.
 */
export async function emailDomainBlocked(
  ctx: Context,
  email: string,
  ip: string | null,
): Promise<boolean> {
  const at = email.lastIndexOf("@");
  const domain = at >= 0 ? normalizeEmailDomain(email.slice(at + 1)) : null;
  if (!domain) return false;
  const blocks = await ctx.db.kysely
    .selectFrom("email_domain_blocks")
    .select("id")
    .where("domain", "in", domainAndParents(domain))
    .execute();
  if (blocks.length === 0) return false;
  const now = new Date().toISOString();
  await ctx.db.kysely
    .insertInto("email_domain_block_attempts")
    .values(blocks.map((b) => ({ id: newId(), email_domain_block_id: b.id, ip, created_at: now })))
    .execute();
  return true;
}

/** Drops attempts older than the history shows; the periodic job calls this. */
export async function pruneEmailDomainBlockAttempts(ctx: Context): Promise<number> {
  const cutoff = new Date(Date.now() - (HISTORY_DAYS + 1) * DAY_MS).toISOString();
  const result = await ctx.db.kysely
    .deleteFrom("email_domain_block_attempts")
    .where("created_at", "<", cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
