// Mastodon's Admin::EmailDomainBlock and Admin::IpBlock entities.
import type { EmailDomainBlock } from "../../domain/moderation/email-domain-blocks.ts";
import type { IpBlock } from "../../domain/moderation/ip-blocks.ts";

/** History figures are strings and days UNIX timestamps, as Mastodon sends them. */
export function renderEmailDomainBlock(block: EmailDomainBlock) {
  return {
    id: block.id,
    domain: block.domain,
    created_at: block.createdAt,
    history: block.history.map((h) => ({
      day: String(Math.floor(h.day.getTime() / 1000)),
      // Mastodon counts refused attempts as `uses` and the distinct IPs as `accounts`.
      accounts: String(h.ips),
      uses: String(h.uses),
    })),
  };
}

export function renderIpBlock(block: IpBlock) {
  return {
    id: block.id,
    ip: block.ip,
    severity: block.severity,
    comment: block.comment,
    created_at: block.createdAt,
    expires_at: block.expiresAt,
  };
}
