// What search's `resolve=true` asks of other servers (the domain's RemoteLookup): a handle by
// WebFinger, then its actor; a URL by fetching it, then the actor or status it holds. Every
// fetch has the bounds of loader.ts and the origin rules of documents.ts; a look-up's documents
// are fetched once even when several steps read them (a profile URL, then the actor's id).
import type { DocumentLoader, RemoteDocument } from "@fedify/fedify";
import { isActor } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import type { Context as KithContext } from "../../domain/context.ts";
import type { Resolved } from "../../domain/search/resolve.ts";
import { KITH_VERSION } from "../../version.ts";
import { kithFederation } from "../federation.ts";
import { signAsInstance } from "../instance-actor.ts";
import { resolveActor } from "./actors.ts";
import { tolerantContextLoader } from "./contexts.ts";
import { fetchObject, type RemoteEnv } from "./documents.ts";
import { createRemoteLoader } from "./loader.ts";
import { resolveStatus } from "./statuses.ts";
import { createWebFinger } from "./webfinger.ts";

export interface LookupOptions {
  /** For tests: a fetch that reaches fake servers. */
  fetch?: typeof fetch;
}

function webFingerOptions(kith: KithContext, options: LookupOptions) {
  return {
    devMode: kith.config.devMode,
    userAgent: `Kith/${KITH_VERSION} (+${kith.config.origin})`,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
}

/** Each URL fetched at most once per look-up. */
function memoised(loader: DocumentLoader): DocumentLoader {
  const seen = new Map<string, Promise<RemoteDocument>>();
  return (url, options) => {
    let answer = seen.get(url);
    if (!answer) {
      answer = loader(url, options);
      seen.set(url, answer);
    }
    return answer;
  };
}

function lookupEnv(kith: KithContext, options: LookupOptions): RemoteEnv {
  const fctx = kithFederation(kith).createContext(new URL(kith.config.origin), kith);
  return {
    kith,
    // Signed as the instance, like every fetch of Kith's (servers in secure mode insist).
    loader: memoised(
      createRemoteLoader({
        ...webFingerOptions(kith, options),
        sign: (request) => signAsInstance(kith, request),
      }),
    ),
    contextLoader: tolerantContextLoader(fctx.contextLoader),
    // So that the account's domain is its handle's, confirmed by WebFinger (actors.ts).
    webFinger: createWebFinger(webFingerOptions(kith, options)),
  };
}

export async function lookupHandle(
  kith: KithContext,
  handle: string,
  options: LookupOptions = {},
): Promise<AccountRow> {
  const env = lookupEnv(kith, options);
  const { actor } = await env.webFinger!(handle);
  return resolveActor(env, actor);
}

export async function lookupObject(
  kith: KithContext,
  url: string,
  options: LookupOptions = {},
): Promise<Resolved> {
  const env = lookupEnv(kith, options);
  const { object } = await fetchObject(env, url);
  if (isActor(object) && object.id) return { account: await resolveActor(env, object.id.href) };
  const status = await resolveStatus(env, url);
  return status ? { status } : null;
}
