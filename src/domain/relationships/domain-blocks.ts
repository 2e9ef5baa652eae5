// User-level domain blocks, as Mastodon's AccountDomainBlock and AfterAccountDomainBlockService:
// a user hides a whole server. Its accounts drop out of the user's timelines, threads and
// notifications (the visibility rule and exclusions.ts read the table: accounts the user still
// follows stay, as in Mastodon), its accounts' follows of the user are removed (Reject{Follow}
// goes to each), and neither side may start a new follow.
import { domainToASCII } from "node:url";
import { newId } from "../../db/ids.ts";
import type { Context } from "../context.ts";
import { DomainError, validation } from "../errors.ts";
import { forgetNotificationsFrom } from "../notifications/notify.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";
import type { Viewer } from "../viewer.ts";
import { rejectFollowRequest, removeFromFollowers } from "./follow.ts";

const LABEL = /^[a-z0-9-]{1,63}$/;
const MAX_DOMAIN_LENGTH = 253;
// What a host may be written with before IDNA: ASCII letters, digits, dots and hyphens, and
// letters of other scripts. This keeps out what domainToASCII would quietly "fix" (`%41`).
const NOT_HOST_CHARACTER = /[^a-z0-9.\-\u00a0-\uffff]/;

/**
 * A domain as accounts.domain stores it: lower case, IDNA punycode, with a port only when one
 * was given (Kith's own servers in a lab may run on one). Anything else is a 422.
 */
export function normaliseDomain(input: string): string {
  const raw = input.trim().toLowerCase().replace(/\/$/, "");
  if (raw === "") throw validation("Validation failed: Domain can't be blank");
  const port = /:(\d{1,5})$/.exec(raw);
  const host = port ? raw.slice(0, port.index) : raw;
  const ascii = NOT_HOST_CHARACTER.test(host) ? "" : domainToASCII(host);
  const valid =
    ascii !== "" &&
    ascii.length <= MAX_DOMAIN_LENGTH &&
    ascii.split(".").every((label) => LABEL.test(label)) &&
    (!port || (Number(port[1]) >= 1 && Number(port[1]) <= 65535));
  if (!valid) throw validation("Validation failed: Domain is not a valid domain name");
  return port ? `${ascii}:${Number(port[1])}` : ascii;
}

/** Blocks the server; blocking it again changes nothing. */
export async function blockDomain(ctx: Context, accountId: string, input: string): Promise<void> {
  const domain = normaliseDomain(input);
  if (domain === ctx.config.domain.toLowerCase())
    throw validation("Validation failed: Domain is this server's own");
  await ctx.db.kysely
    .insertInto("account_domain_blocks")
    .values({ id: newId(), account_id: accountId, domain, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.columns(["account_id", "domain"]).doNothing())
    .execute();
  const fromDomain = (table: "follows" | "follow_requests") =>
    ctx.db.kysely
      .selectFrom(`${table} as f`)
      .innerJoin("accounts as a", "a.id", "f.account_id")
      .select("a.id")
      .where("f.target_account_id", "=", accountId)
      .where("a.domain", "=", domain)
      .execute();
  for (const follower of await fromDomain("follows"))
    await removeFromFollowers(ctx, accountId, follower.id);
  for (const requester of await fromDomain("follow_requests")) {
    try {
      await rejectFollowRequest(ctx, requester.id, accountId);
    } catch (error) {
      // Withdrawn meanwhile.
      if (!(error instanceof DomainError && error.kind === "not_found")) throw error;
    }
  }
  await forgetNotificationsFrom(ctx, accountId, { domain });
}

/** Lifts the block of the server, if there is one. */
export async function unblockDomain(ctx: Context, accountId: string, input: string) {
  await ctx.db.kysely
    .deleteFrom("account_domain_blocks")
    .where("account_id", "=", accountId)
    .where("domain", "=", normaliseDomain(input))
    .execute();
}

/** The servers the viewer blocks, newest first, paged by the block row's ID. */
export async function listDomainBlocks(
  ctx: Context,
  viewer: Viewer,
  page: Page,
): Promise<{ domains: string[]; cursors: string[] }> {
  const q = ctx.db.kysely
    .selectFrom("account_domain_blocks as d")
    .select(["d.id", "d.domain"])
    .where("d.account_id", "=", viewer.accountId);
  const rows = finishPage(await applyPage(q, "d.id", page).execute(), page);
  return { domains: rows.map((r) => r.domain), cursors: rows.map((r) => r.id) };
}
