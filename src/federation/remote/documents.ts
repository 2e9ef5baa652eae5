// Fetching one remote object by its id, with the origin rules of shared/reference/federation.md
// §6: the document's id must be on the host it was fetched from, and an id that differs from
// the URL asked for is fetched once more by that id and must then match exactly.
import type { DocumentLoader } from "@fedify/fedify";
import { Object as APObject } from "@fedify/vocab";
import type { Context as KithContext } from "../../domain/context.ts";
import { isSuspendedUrl } from "../../domain/moderation/domain-policy.ts";
import { sameHost } from "../convert/addressing.ts";
import { EXTENSION_TERMS } from "./contexts.ts";
import { RemoteError } from "./loader.ts";
import type { ResolveHandle } from "./webfinger.ts";

/** What remote look-ups need: Kith, a safe loader, and a JSON-LD context loader. */
export interface RemoteEnv {
  kith: KithContext;
  loader: DocumentLoader;
  contextLoader: DocumentLoader;
  /** Finds remote accounts' canonical handles; without it, the domain is the actor's host. */
  webFinger?: ResolveHandle;
}

/** A refusal to accept something remote, with the reason to log and report. */
export class Refusal extends Error {
  override name = "Refusal";
}

export interface FetchedDocument {
  json: Record<string, unknown>;
  /** the URL it was finally fetched from (same origin as asked, see loader.ts) */
  url: string;
}

const ACTIVITYSTREAMS = "https://www.w3.org/ns/activitystreams";

/**
 * Makes common breakage parseable: the ActivityStreams context and the usual extension terms
 * (contexts.ts) come first, so a document that leaves them out (Lemmy's assets omit
 * `@context`; old Mastodon payloads carry only their own extensions; Pleroma's test payloads
 * use EmojiReact undeclared) still means what it says, while its own definitions still win;
 * `"id": null` (which JSON-LD refuses) is dropped; and keys embedded in objects are dropped,
 * since Kith takes keys only from an actor's own document and a malformed one fails the parse.
 */
export function repairJson<T>(json: T): T {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return json;
  const copy = clean(json, 0) as Record<string, unknown>;
  const context = copy["@context"];
  const list = context === undefined ? [] : Array.isArray(context) ? context : [context];
  const own = list.filter(
    (c) => !(typeof c === "string" && /^https?:\/\/www\.w3\.org\/ns\/activitystreams$/.test(c)),
  );
  copy["@context"] = [ACTIVITYSTREAMS, EXTENSION_TERMS, ...own];
  return copy as T;
}

function clean(value: unknown, depth: number): unknown {
  if (depth > 32 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if ((key === "id" || key === "@id") && v === null) continue;
    if (key === "publicKey" && depth > 0) continue;
    out[key] = key === "@context" ? v : clean(v, depth + 1);
  }
  return out;
}

async function load(env: RemoteEnv, uri: string): Promise<FetchedDocument> {
  // Nothing is asked of a server this one does not federate with (domain-policy.ts).
  if (await isSuspendedUrl(env.kith, uri)) throw new Refusal(`${uri}: its server is blocked here`);
  const remote = await env.loader(uri);
  const json = remote.document;
  if (json === null || typeof json !== "object" || Array.isArray(json))
    throw new RemoteError(uri, "not a JSON object");
  return { json: json as Record<string, unknown>, url: remote.documentUrl };
}

function idOf(json: Record<string, unknown>): string | null {
  const id = json.id ?? json["@id"];
  return typeof id === "string" && URL.canParse(id) ? id : null;
}

/** Fetches `uri`; the document's id is guaranteed to be where it was fetched from. */
export async function fetchDocument(env: RemoteEnv, uri: string): Promise<FetchedDocument> {
  const first = await load(env, uri);
  const id = idOf(first.json);
  if (!id) throw new Refusal(`${uri}: the document has no id`);
  if (!sameHost(id, first.url))
    throw new Refusal(`${uri}: the document's id ${id} is on another host`);
  const asked = new URL(uri);
  asked.hash = "";
  if (id === asked.href || id === first.url) return first;
  // A URL (e.g. /@alice/123) standing for an id (/users/alice/statuses/123): ask the id.
  const second = await load(env, id);
  if (idOf(second.json) !== id)
    throw new Refusal(`${uri}: fetching its id ${id} gave another document`);
  return second;
}

/** Fetches and parses a remote object (see fetchDocument for the guarantees). */
export async function fetchObject(
  env: RemoteEnv,
  uri: string,
): Promise<{ object: APObject; json: Record<string, unknown> }> {
  const { json } = await fetchDocument(env, uri);
  const repaired = repairJson(json);
  let object: APObject;
  try {
    object = await APObject.fromJsonLd(repaired, {
      documentLoader: env.loader,
      contextLoader: env.contextLoader,
    });
  } catch (error) {
    throw new Refusal(`${uri}: not a valid ActivityStreams document (${(error as Error).message})`);
  }
  if (!object.id) throw new Refusal(`${uri}: not an ActivityStreams object`);
  return { object, json: repaired };
}
