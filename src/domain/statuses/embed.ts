// The status GET /api/oembed embeds: one of this server's, named by its page URL
// (`/@alice/123`) or its ActivityPub URI (`/users/alice/statuses/123`), and only when anyone may
// see it, as Mastodon's "distributable": public or unlisted, not a boost, its author not
// suspended. Anything else is null, so the answer never tells a hidden status from a missing one.
import { type AccountRow, getAccount } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import { DomainError } from "../errors.ts";
import { findVisibleStatus, type StatusRow } from "./queries.ts";

const PAGE = /^\/@([^/@]+)\/([0-9]+)$/;
const ACTIVITY_URI = /^\/users\/([^/]+)\/statuses\/([0-9]+)$/;

export async function embeddableStatus(
  ctx: Context,
  url: string,
): Promise<{ status: StatusRow; account: AccountRow } | null> {
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  if (parsed.origin !== ctx.config.origin) return null;
  const match = PAGE.exec(parsed.pathname) ?? ACTIVITY_URI.exec(parsed.pathname);
  if (!match) return null;
  let username: string;
  try {
    username = decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
  try {
    const status = await findVisibleStatus(ctx, null, match[2]!);
    if (status.local !== 1 || status.reblog_of_id !== null) return null;
    if (status.visibility !== "public" && status.visibility !== "unlisted") return null;
    const account = await getAccount(ctx, status.account_id);
    if (account.username.toLowerCase() !== username.toLowerCase()) return null;
    return { status, account };
  } catch (error) {
    if (error instanceof DomainError && error.kind === "not_found") return null;
    throw error;
  }
}
