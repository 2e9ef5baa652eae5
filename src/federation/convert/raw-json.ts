// The compact JSON an object arrived as, for the extensions Fedify's vocabulary does not model
// (Mastodon's blurhash and focalPoint on attachments). Fedify keeps it for documents it parsed
// whole; an object embedded in an activity is remembered here when it is taken out.
import type { Object as APObject } from "@fedify/vocab";

const embedded = new WeakMap<APObject, Record<string, unknown>>();

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Remembers `raw` (the activity's `object` value) as the JSON `object` came from. */
export function rememberRawJson(object: APObject, raw: unknown): void {
  if (isObject(raw) && raw.id === object.id?.href) embedded.set(object, raw);
}

/** The JSON of `object` as received, when known. */
export function rawJsonOf(object: APObject): Record<string, unknown> | null {
  const cached = (object as unknown as { _cachedJsonLd?: unknown })._cachedJsonLd;
  return embedded.get(object) ?? (isObject(cached) ? cached : null);
}

/** The raw `object` of an activity, as received. */
export function rawObjectOf(activity: APObject): unknown {
  return rawJsonOf(activity)?.object;
}
