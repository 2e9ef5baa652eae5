// Kith's Fedify federation: key–value store and queue on Kith's database, actors, collections
// and NodeInfo. Loaded only when a request or a queued message needs it (see mount.ts and
// worker.ts), since Fedify and its vocabulary weigh tens of megabytes.
//
// The queue is never started from a request (`manuallyStartQueue`): worker processes listen on
// it themselves (worker.ts) and hand each message to `processQueuedTask`, which is what
// Fedify's `startQueue` does. Context data is Kith's request-independent Context.
import { createExponentialBackoffPolicy, createFederation, type Federation } from "@fedify/fedify";
import type { Context as KithContext } from "../domain/context.ts";
import { KITH_VERSION } from "../version.ts";
import { registerActor } from "./actor.ts";
import { unauthorizedResponse } from "./authorized-fetch.ts";
import { registerCollections } from "./collections.ts";
import { registerInbox } from "./inbox/index.ts";
import { instanceWebFinger, registerInstanceActor } from "./instance-actor.ts";
import { KithKvStore } from "./kv-store.ts";
import { KithMessageQueue } from "./message-queue.ts";
import { nodeInfo20Response, nodeInfoLinksResponse, registerNodeInfo } from "./nodeinfo.ts";
import { registerOutbox } from "./outbox/failures.ts";
import { noteOutboxEnqueued, noteOutboxError } from "./outbox/outcomes.ts";
import { OUTBOX_RETRY } from "./outbox/retry.ts";
import { registerStatusObjects } from "./status-objects.ts";
import { canonicalWebFinger } from "./webfinger.ts";

const federations = new WeakMap<KithContext, Federation<KithContext>>();

export function kithFederation(kith: KithContext): Federation<KithContext> {
  let federation = federations.get(kith);
  if (federation) return federation;
  const { config, db } = kith;
  const webHost = new URL(config.origin).host;
  federation = createFederation<KithContext>({
    kv: new KithKvStore(db),
    queue: new KithMessageQueue(db, { onEnqueue: noteOutboxEnqueued }),
    // Retry for days as Mastodon does, not Fedify's half hour (outbox/retry.ts).
    outboxRetryPolicy: createExponentialBackoffPolicy(OUTBOX_RETRY),
    // Every failed attempt, for the unavailable-hosts bookkeeping (outbox/outcomes.ts).
    onOutboxError: noteOutboxError,
    manuallyStartQueue: true,
    // Handles may live on another domain than the web server (WEB_DOMAIN in Mastodon terms).
    origin:
      config.domain === webHost
        ? config.origin
        : { handleHost: config.domain, webOrigin: config.origin },
    // Loopback peers in development and tests; never in production (SSRF).
    allowPrivateAddress: config.devMode,
    // Mastodon and most peers speak draft-cavage; RFC 9421 first costs a failed request each.
    firstKnock: "draft-cavage-http-signatures-12",
    userAgent: { software: `Kith/${KITH_VERSION}`, url: config.origin },
  });
  registerActor(federation);
  registerInstanceActor(federation);
  registerCollections(federation);
  registerStatusObjects(federation);
  registerOutbox(federation);
  registerInbox(federation);
  registerNodeInfo(federation);
  federation.setWebFingerLinksDispatcher(() => [
    {
      rel: "http://ostatus.org/schema/1.0/subscribe",
      template: `${config.origin}/authorize_interaction?uri={uri}`,
    },
  ]);
  federations.set(kith, federation);
  return federation;
}

export interface Fallthrough {
  /** Fedify has no route for the request: let the rest of the app answer. */
  onNotFound(request: Request): Promise<Response>;
  /** Fedify has the route but not the representation asked for (e.g. HTML). */
  onNotAcceptable(request: Request): Promise<Response>;
}

/** Answers a request with Fedify, or through `fallthrough` when Fedify has nothing for it. */
export async function handleFederationRequest(
  kith: KithContext,
  request: Request,
  fallthrough: Fallthrough,
): Promise<Response> {
  const { pathname, searchParams } = new URL(request.url);
  if (request.method === "GET" || request.method === "HEAD") {
    if (pathname === "/.well-known/nodeinfo") return nodeInfoLinksResponse(kith);
    if (pathname === "/nodeinfo/2.0") return nodeInfo20Response(kith);
    if (pathname === "/.well-known/webfinger") {
      const instance = instanceWebFinger(kith, searchParams.get("resource"));
      if (instance) return instance;
    }
  }
  const response = await kithFederation(kith).fetch(request, {
    contextData: kith,
    ...fallthrough,
    onUnauthorized: unauthorizedResponse,
  });
  if (pathname === "/.well-known/webfinger" && response.status === 200) {
    return canonicalWebFinger(response, kith.config.origin, kith.config.domain);
  }
  return response;
}
