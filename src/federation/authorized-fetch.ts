// Who is fetching: the remote account behind a request's HTTP signature, and what authorized
// fetch ("secure mode", KITH_AUTHORIZED_FETCH) lets it read. In that mode objects and
// collections are served only to signed requests, and never to an account the owner blocks
// or is blocked by (answered 404, as for something that does not exist). The instance actor,
// WebFinger, NodeInfo and host-meta stay open; actors answer unsigned requests with their keys
// and inboxes only (actor.ts), since peers verify our deliveries with unsigned key fetches.
// Whatever the mode, a request signed with a key of a server the federation policy cuts off
// is refused (403) before anything is looked up, as Mastodon refuses blocked domains.
import type { RequestContext } from "@fedify/fedify";
import type { Context as KithContext } from "../domain/context.ts";
import { isSuspendedUrl } from "../domain/moderation/domain-policy.ts";
import { shutOut } from "../domain/relationships/exclusions.ts";
import type { Viewer } from "../domain/viewer.ts";

interface Fetcher {
  signed: boolean;
  /** The remote account the signing key belongs to, if Kith knows it. */
  account: { id: string; username: string } | null;
  /** Did the owner's own document confirm the key (not just the key naming its owner)? */
  confirmed: boolean;
}

const UNSIGNED: Fetcher = { signed: false, account: null, confirmed: false };
const fetchers = new WeakMap<Request, Promise<Fetcher>>();
const refused = new WeakSet<Request>();

async function identify(fctx: RequestContext<KithContext>): Promise<Fetcher> {
  const key = await fctx.getSignedKey();
  if (!key) return UNSIGNED;
  const owner = await fctx.getSignedKeyOwner();
  // An owner named by the key alone is good enough to refuse (claiming to be a blocked
  // account gains nothing), never to let in.
  const uri = owner?.id?.href ?? key.ownerId?.href;
  const account = uri
    ? await fctx.data.db.kysely
        .selectFrom("accounts")
        .select(["id", "username"])
        .where("uri", "=", uri)
        .where("domain", "is not", null)
        .executeTakeFirst()
    : undefined;
  return { signed: true, account: account ?? null, confirmed: !!owner?.id };
}

/** The request's signer, worked out once per request. */
export function signedFetcher(fctx: RequestContext<KithContext>): Promise<Fetcher> {
  // Contexts that are not requests (queue work) have no signer.
  if (!fctx.request || typeof fctx.getSignedKey !== "function") return Promise.resolve(UNSIGNED);
  let fetcher = fetchers.get(fctx.request);
  if (!fetcher) {
    fetcher = identify(fctx);
    fetchers.set(fctx.request, fetcher);
  }
  return fetcher;
}

/**
 * The confirmed signer as a viewer for the visibility rule (which reads only the account id),
 * or null for an unsigned request, an unknown signer, or a key its owner does not confirm.
 */
export async function signedViewer(fctx: RequestContext<KithContext>): Promise<Viewer | null> {
  const { account, confirmed } = await signedFetcher(fctx);
  return account && confirmed
    ? { accountId: account.id, userId: "", username: account.username, role: "user" }
    : null;
}

/** In authorized-fetch mode: is the request signed by an account `ownerId` blocks (or the reverse)? */
export async function blockedFetcher(
  fctx: RequestContext<KithContext>,
  ownerId: string,
): Promise<boolean> {
  if (!fctx.data.config.authorizedFetch) return false;
  const { account } = await signedFetcher(fctx);
  return account !== null && (await shutOut(fctx.data, ownerId, account.id));
}

/**
 * The authorize predicate of objects and collections: anything goes unless authorized fetch
 * is on; then a signature is needed, and an account blocked by or blocking `ownerId` is
 * refused (answered 404 by `unauthorizedResponse`).
 */
export async function fetchAuthorized(
  fctx: RequestContext<KithContext>,
  ownerId: string | null,
): Promise<boolean> {
  if (!fctx.data.config.authorizedFetch) return true;
  if (!(await signedFetcher(fctx)).signed) return false;
  if (ownerId !== null && (await blockedFetcher(fctx, ownerId))) {
    refused.add(fctx.request);
    return false;
  }
  return true;
}

/** What Fedify answers when an authorize predicate says no: 401, or 404 for a blocked signer. */
export function unauthorizedResponse(request: Request): Response {
  return refused.has(request)
    ? Response.json({ error: "Record not found" }, { status: 404 })
    : Response.json({ error: "Request not signed" }, { status: 401 });
}

/** The key id a request's HTTP signature names (draft-cavage `Signature`, or RFC 9421
 * `Signature-Input`), unverified. */
export function signatureKeyId(request: Request): string | null {
  const cavage = request.headers.get("signature");
  const rfc9421 = request.headers.get("signature-input");
  const match =
    (cavage && /(?:^|,)\s*keyId="([^"]+)"/.exec(cavage)) ||
    (rfc9421 && /;\s*keyid="([^"]+)"/.exec(rfc9421));
  return match ? match[1]! : null;
}

/** Is the request signed by a key on a server this one does not federate with? A claim is
 * enough to refuse: pretending to be from a blocked server gains nothing. */
export async function signedByRefusedServer(kith: KithContext, request: Request): Promise<boolean> {
  const keyId = signatureKeyId(request);
  return keyId !== null && (await isSuspendedUrl(kith, keyId));
}
