// The inbox and the shared inbox: Fedify verifies each delivery's signature (and that the key
// belongs to the activity's actor), queues it, and a worker hands it to processActivity.
// Which local accounts an activity concerns comes from its addressing and the follow graph,
// never from the inbox it was posted to (federation.md §12.4), and every handler is idempotent
// in the database, so the shared inbox and repeated deliveries change nothing twice.
import type { DocumentLoader, Federation, Context as FedifyContext } from "@fedify/fedify";
import { Activity, Delete } from "@fedify/vocab";
import { findAccountByUri } from "../../domain/accounts/remote.ts";
import { deleteRemoteAccount } from "../../domain/accounts/remote-lifecycle.ts";
import type { Context as KithContext } from "../../domain/context.ts";
import { logger } from "../../logging.ts";
import { KITH_VERSION } from "../../version.ts";
import { sameHost } from "../convert/addressing.ts";
import { signAsInstance } from "../instance-actor.ts";
import { tolerantContextLoader } from "../remote/contexts.ts";
import { createRemoteLoader } from "../remote/loader.ts";
import { createWebFinger, type ResolveHandle } from "../remote/webfinger.ts";
import { HANDLERS, processActivity } from "./dispatch.ts";
import type { InboxEnv, ReportedOutcome } from "./env.ts";

const log = logger("federation", "inbox");

export interface InboxOptions {
  /** The loader for remote documents (tests give one that reaches fake servers). */
  loader?: (kith: KithContext) => DocumentLoader;
  /** Handle look-ups (tests that give a loader give this too, or go without). */
  webFinger?: (kith: KithContext) => ResolveHandle;
  /** Told of every outcome (tests). */
  onOutcome?: (outcome: ReportedOutcome) => void;
  /** Tests only, with a federation made with the same option: see inbox/http.ts. */
  skipSignatureVerification?: boolean;
}

const registered = new WeakMap<Federation<KithContext>, InboxOptions>();

/** The options the federation's inbox was registered with. */
export const inboxOptionsOf = (federation: Federation<KithContext>): InboxOptions =>
  registered.get(federation) ?? {};

const loaders = new WeakMap<KithContext, DocumentLoader>();

/**
 * The safe loader for a Kith: private addresses and http only in development mode; every
 * request signed by the instance actor (servers in authorized-fetch mode refuse others).
 */
export function remoteLoader(kith: KithContext): DocumentLoader {
  let loader = loaders.get(kith);
  if (!loader) {
    loader = createRemoteLoader({
      devMode: kith.config.devMode,
      userAgent: `Kith/${KITH_VERSION} (+${kith.config.origin})`,
      sign: (request) => signAsInstance(kith, request),
    });
    loaders.set(kith, loader);
  }
  return loader;
}

const webFingers = new WeakMap<KithContext, ResolveHandle>();

/** WebFinger with the loader's bounds (unsigned: WebFinger is open even in secure mode). */
export function remoteWebFinger(kith: KithContext): ResolveHandle {
  let webFinger = webFingers.get(kith);
  if (!webFinger) {
    webFinger = createWebFinger({
      devMode: kith.config.devMode,
      userAgent: `Kith/${KITH_VERSION} (+${kith.config.origin})`,
    });
    webFingers.set(kith, webFinger);
  }
  return webFinger;
}

export function inboxEnv(fctx: FedifyContext<KithContext>, options: InboxOptions = {}): InboxEnv {
  const kith = fctx.data;
  // A test's fake fediverse is reachable only through its own loader and WebFinger.
  const webFinger = options.webFinger ?? (options.loader ? undefined : remoteWebFinger);
  return {
    kith,
    fctx,
    loader: (options.loader ?? remoteLoader)(kith),
    contextLoader: tolerantContextLoader(fctx.contextLoader),
    ...(webFinger ? { webFinger: webFinger(kith) } : {}),
  };
}

export function report(outcome: ReportedOutcome, options: InboxOptions) {
  const level = outcome.result === "refused" ? "info" : "debug";
  log[level]("{type} {id} from {actor}: {result} ({reason})", { ...outcome });
  options.onOutcome?.(outcome);
}

export function registerInbox(
  federation: Federation<KithContext>,
  options: InboxOptions = {},
): void {
  registered.set(federation, options);
  const listeners = federation.setInboxListeners("/users/{identifier}/inbox", "/inbox");
  const listener = async (fctx: FedifyContext<KithContext>, activity: Activity) => {
    report(await processActivity(inboxEnv(fctx, options), activity), options);
  };
  // Activity last: the catch-all for types without a handler (Dislike, Lock, …), answered 202.
  for (const [type] of HANDLERS) listeners.on(type, listener);
  listeners.on(Activity, listener);
  listeners.onError((_fctx, error) => {
    log.warning("An inbox activity failed and will be retried: {error}", { error });
  });
  // An actor deleted from its server answers 410 for its key, so its own Delete cannot be
  // verified; the account is deleted when the key's host says it is gone (as Hollo does).
  listeners.onUnverifiedActivity(async (fctx, activity, reason) => {
    if (reason.type !== "keyFetchError" || !("status" in reason.result)) return;
    if (reason.result.status !== 410 || !(activity instanceof Delete)) return;
    const actor = activity.actorId;
    if (!actor || activity.objectId?.href !== actor.href || !sameHost(reason.keyId, actor)) return;
    const account = await findAccountByUri(fctx.data, actor.href);
    if (account && account.domain !== null) await deleteRemoteAccount(fctx.data, account.id);
    report(
      {
        type: "Delete",
        id: activity.id?.href ?? null,
        actor: actor.href,
        result: account ? "stored" : "ignored",
        reason: "the actor is gone (410)",
      },
      options,
    );
    return new Response(null, { status: 202 });
  });
}
