// The list of moderated servers shown to the public (Mastodon's /api/v1/instance/domain_blocks
// and the about page): the blocks users notice (silence and suspend, as Mastodon's
// with_user_facing_limitations) with their public comment, obfuscated domains partly starred
// out, and each domain's SHA-256 digest so that other servers can match an obfuscated entry. KITH_SHOW_DOMAIN_BLOCKS says to
// whom: `all`, signed-in `users`, or nobody (`disabled`).
import { createHash } from "node:crypto";
import type { DomainBlockSeverity } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { notFound } from "../errors.ts";
import type { Viewer } from "../viewer.ts";

export interface PublicDomainBlock {
  domain: string;
  digest: string;
  severity: DomainBlockSeverity;
  comment: string | null;
}

/** Mastodon's DomainBlock#public_domain: the middle of the name starred out, dots kept. */
export function obfuscatedDomain(domain: string): string {
  const chars = [...domain];
  const visible = Math.floor(chars.length / 4);
  return chars
    .map((c, i) => (i > visible && i < chars.length - visible && c !== "." ? "*" : c))
    .join("");
}

export const domainDigest = (domain: string) => createHash("sha256").update(domain).digest("hex");

export function mayListDomainBlocks(ctx: Context, viewer: Viewer | null): boolean {
  const show = ctx.config.showDomainBlocks;
  return show === "all" || (show === "users" && viewer !== null);
}

const ORDER: Record<DomainBlockSeverity, number> = { suspend: 0, silence: 1, noop: 2 };

/** The public list, most severe first; not_found when the viewer may not see it. */
export async function publicDomainBlocks(
  ctx: Context,
  viewer: Viewer | null,
): Promise<PublicDomainBlock[]> {
  if (!mayListDomainBlocks(ctx, viewer)) throw notFound();
  const rows = await ctx.db.kysely
    .selectFrom("domain_blocks")
    .select(["domain", "severity", "public_comment", "obfuscate"])
    .where("severity", "in", ["silence", "suspend"])
    .execute();
  rows.sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.domain.localeCompare(b.domain));
  return rows.map((r) => ({
    domain: r.obfuscate === 1 ? obfuscatedDomain(r.domain) : r.domain,
    digest: domainDigest(r.domain),
    severity: r.severity,
    comment: r.public_comment,
  }));
}
