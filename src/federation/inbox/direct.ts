// Deliveries to the shared inbox, and to the personal inbox of a local account, handled within
// the request rather than queued for the worker: the HTTP signature is verified (keys kept in
// memory, key-cache.ts), the activity parsed once, its actor must own the signing key, and the
// activity is processed before the 202 is sent.
// So it is as durable as the queue: until the 202 the sender still holds it, and a crash or an
// error means it delivers again. The queue round trip cost a `jobs` row written, claimed and
// deleted, a second JSON-LD parse in the worker and a third one for Fedify's proof check.
//
// Fedify's own path (verify, queue, worker) still takes everything this one declines, and then
// gives the answer it always gave: a personal inbox of no (or a deleted) account, a signature
// that does not verify (Fedify also runs the unverified-activity handler), a signer that is not
// the actor (relayed activities, which need their Linked Data signature), a document Fedify
// cannot parse, an activity whose processing throws (queued, so the worker retries it with
// backoff), and every delivery while `limit` activities are being processed here already (the
// sender would otherwise wait on a crowd).
import {
  doesActorOwnKey,
  type Federation,
  type Context as FedifyContext,
  verifyRequestDetailed,
} from "@fedify/fedify";
import { Activity, Create } from "@fedify/vocab";
import { findLocalActor } from "../../domain/accounts/local-actors.ts";
import type { Context as KithContext } from "../../domain/context.ts";
import { logger } from "../../logging.ts";
import { KithKvStore } from "../kv-store.ts";
import { toDuration } from "../temporal.ts";
import { HANDLERS, processActivity } from "./dispatch.ts";
import { inboxEnv, inboxOptionsOf, report } from "./index.ts";
import { MemoryKeyCache } from "./key-cache.ts";

const log = logger("federation", "inbox");

/** Activities processed within their requests at once; further ones are queued. */
export const DIRECT_LIMIT = 32;

// Fedify's worker records processed activities under this key (origin, activity id) for a
// day; using the same one here means a repeated delivery is recognised whichever path took it.
const IDEMPOTENCE_PREFIX = ["_fedify", "activityIdempotence"] as const;
const IDEMPOTENCE_TTL = toDuration(24 * 3600_000);

interface DirectState {
  running: number;
  keys: MemoryKeyCache;
  kv: KithKvStore;
  /** Fedify contexts by origin: making one builds its loaders, a cost worth paying once. */
  contexts: Map<string, FedifyContext<KithContext>>;
}

/** Origins whose contexts are kept (the Host header chooses one; more are not expected). */
const MAX_CONTEXTS = 8;

function contextFor(
  state: DirectState,
  federation: Federation<KithContext>,
  kith: KithContext,
  request: Request,
): FedifyContext<KithContext> {
  const origin = new URL(request.url).origin;
  let fctx = state.contexts.get(origin);
  if (!fctx) {
    if (state.contexts.size >= MAX_CONTEXTS) state.contexts.clear();
    fctx = federation.createContext(new URL(origin), kith);
    state.contexts.set(origin, fctx);
  }
  return fctx;
}

// Activity.fromJsonLd expands the document once more than the subclass's own fromJsonLd does,
// only to find the subclass; a plain ActivityStreams type names it already.
const AS = "https://www.w3.org/ns/activitystreams#";
const byType = new Map(
  HANDLERS.flatMap(([type]) =>
    "typeId" in type && type.typeId instanceof URL && type.typeId.href.startsWith(AS)
      ? [[type.typeId.href.slice(AS.length), type as typeof Activity] as const]
      : [],
  ),
);

function classOf(type: unknown): typeof Activity {
  return (typeof type === "string" && byType.get(type)) || Activity;
}

const states = new WeakMap<KithContext, DirectState>();

function stateOf(kith: KithContext): DirectState {
  let state = states.get(kith);
  if (!state)
    states.set(
      kith,
      (state = {
        running: 0,
        keys: new MemoryKeyCache(),
        kv: new KithKvStore(kith.db),
        contexts: new Map(),
      }),
    );
  return state;
}

/**
 * Whether a POST to `pathname` may take this path: the shared inbox, or the personal inbox of
 * a local account that exists. Taking personal inboxes too keeps one order for what a server
 * sends: an Accept to a personal inbox no longer waits for the worker while the post that
 * follows it is handled at once through the shared inbox.
 */
export async function takesDirectly(kith: KithContext, pathname: string): Promise<boolean> {
  if (pathname === "/inbox") return true;
  const match = /^\/users\/([^/]+)\/inbox$/.exec(pathname);
  if (!match) return false;
  let identifier: string;
  try {
    identifier = decodeURIComponent(match[1]!);
  } catch {
    return false;
  }
  // As the actor dispatcher: the stored spelling only, and a deleted account is Fedify's (410).
  return (await findLocalActor(kith, identifier))?.account.username === identifier;
}

/**
 * Verifies and processes a delivery to an inbox `takesDirectly` accepts; the 202 when it did,
 * null when the caller must hand the request to Fedify instead. `body` is the request's parsed
 * JSON.
 */
export async function handleDirectly(
  kith: KithContext,
  request: Request,
  body: Record<string, unknown>,
  federation: Federation<KithContext>,
  limit = DIRECT_LIMIT,
): Promise<Response | null> {
  const options = inboxOptionsOf(federation);
  if (options.skipSignatureVerification) return null;
  const state = stateOf(kith);
  if (state.running >= limit) return null;
  state.running++;
  try {
    const fctx = contextFor(state, federation, kith, request);
    const loaders = { documentLoader: fctx.documentLoader, contextLoader: fctx.contextLoader };
    const verified = await verifyRequestDetailed(request, { ...loaders, keyCache: state.keys });
    if (!verified.verified) return null;
    // The HTTP signature covers the body; a Linked Data signature in it adds nothing when the
    // signer is the actor, which is all this path accepts.
    const { signature: _, ...unsigned } = body;
    let activity: Activity;
    try {
      activity = await classOf(body.type).fromJsonLd(unsigned, loaders);
    } catch {
      return null;
    }
    if (!activity.id || !activity.actorId) return null;
    if (!(await doesActorOwnKey(activity, verified.key, loaders))) return null;
    // A Create needs no record: what it makes is stored once per object id (a status, a
    // poll vote), so its handler recognises a repeat by itself.
    const done =
      activity instanceof Create
        ? null
        : ([...IDEMPOTENCE_PREFIX, fctx.origin, activity.id.href] as const);
    if (done === null || (await state.kv.get(done)) !== true) {
      report(await processActivity(inboxEnv(fctx, options), activity), options);
      if (done) await state.kv.set(done, true, { ttl: IDEMPOTENCE_TTL });
    }
    return new Response(null, { status: 202 });
  } catch (error) {
    log.info("Processing a delivery in its request failed, queueing it: {error}", {
      error: String(error),
    });
    return null;
  } finally {
    state.running--;
  }
}
