// The allow list (Mastodon's DomainAllow): in allowlist mode (KITH_LIMITED_FEDERATION) only
// these domains and their subdomains federate. Each change has its audit entry in the same
// transaction; allowing a domain again gives the allow there is, as in Mastodon.
import { newId } from "../../db/ids.ts";
import type { DomainAllowsTable } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { notFound } from "../errors.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";
import { recordAudit } from "./audit.ts";
import { blockableDomain, changePolicy, type PolicyActor } from "./domain-blocks.ts";

export type DomainAllowRow = DomainAllowsTable;

export async function listDomainAllows(ctx: Context, page: Page): Promise<DomainAllowRow[]> {
  const q = ctx.db.kysely.selectFrom("domain_allows").selectAll();
  return finishPage(await applyPage(q, "id", page).execute(), page);
}

export async function allDomainAllows(ctx: Context): Promise<DomainAllowRow[]> {
  return ctx.db.kysely.selectFrom("domain_allows").selectAll().orderBy("domain").execute();
}

export async function getDomainAllow(ctx: Context, id: string): Promise<DomainAllowRow> {
  const row = await ctx.db.kysely
    .selectFrom("domain_allows")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function findDomainAllow(ctx: Context, domain: string) {
  return ctx.db.kysely
    .selectFrom("domain_allows")
    .selectAll()
    .where("domain", "=", domain)
    .executeTakeFirst();
}

export async function createDomainAllow(
  ctx: Context,
  actor: PolicyActor,
  input: string,
): Promise<DomainAllowRow> {
  const domain = blockableDomain(ctx, input);
  return changePolicy(ctx, async (tctx) => {
    const existing = await findDomainAllow(tctx, domain);
    if (existing) return existing;
    const row: DomainAllowRow = { id: newId(), domain, created_at: new Date().toISOString() };
    await tctx.db.kysely.insertInto("domain_allows").values(row).execute();
    await audit(tctx, actor, "domain_allow.create", row);
    return row;
  });
}

export async function deleteDomainAllow(
  ctx: Context,
  actor: PolicyActor,
  id: string,
): Promise<DomainAllowRow> {
  return changePolicy(ctx, async (tctx) => {
    const row = await getDomainAllow(tctx, id);
    await tctx.db.kysely.deleteFrom("domain_allows").where("id", "=", id).execute();
    await audit(tctx, actor, "domain_allow.destroy", row);
    return row;
  });
}

async function audit(ctx: Context, actor: PolicyActor, action: string, row: DomainAllowRow) {
  await recordAudit(ctx, {
    accountId: actor.accountId,
    action,
    targetType: "domain_allow",
    targetId: row.id,
    targetLabel: row.domain,
    ...(actor.via ? { detail: { via: actor.via } } : {}),
  });
}
