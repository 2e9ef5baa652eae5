// Mastodon's Admin::DomainBlock and Admin::DomainAllow entities.
import type { DomainAllowRow } from "../../domain/moderation/domain-allows.ts";
import type { DomainBlockRow } from "../../domain/moderation/domain-blocks.ts";
import { domainDigest } from "../../domain/moderation/public-domain-blocks.ts";

export function renderAdminDomainBlock(b: DomainBlockRow) {
  return {
    id: b.id,
    domain: b.domain,
    digest: domainDigest(b.domain),
    created_at: b.created_at,
    severity: b.severity,
    reject_media: b.reject_media === 1,
    reject_reports: b.reject_reports === 1,
    private_comment: b.private_comment,
    public_comment: b.public_comment,
    obfuscate: b.obfuscate === 1,
  };
}

export function renderAdminDomainAllow(a: DomainAllowRow) {
  return { id: a.id, domain: a.domain, created_at: a.created_at };
}
