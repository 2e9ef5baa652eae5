// Attachments as Mastodon sends them: a Document with mediaType, url, name (the alt text),
// width, height, and Mastodon's `blurhash` and `focalPoint` [x, y]. Fedify's vocabulary has no
// terms for the last two, so the JSON of a Note, Create or Update carrying media is completed
// after Fedify has serialised it: those two keys on each attachment (matched by url) and their
// definitions in the @context, as Mastodon's own context defines them.
import { type Object as APObject, Document } from "@fedify/vocab";
import type { NoteMedia } from "../outbox/status-data.ts";

const MEDIA_TERMS = {
  blurhash: "http://joinmastodon.org/ns#blurhash",
  focalPoint: { "@container": "@list", "@id": "http://joinmastodon.org/ns#focalPoint" },
};

export function attachmentDocument(media: NoteMedia): Document {
  return new Document({
    mediaType: media.mediaType,
    url: new URL(media.url),
    name: media.description,
    width: media.width,
    height: media.height,
  });
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null;

/** Adds blurhash and focalPoint to the attachments of a compact Note (or of its activity). */
export function addMediaExtensions(json: unknown, media: readonly NoteMedia[]): unknown {
  if (!isObject(json)) return json;
  const note = json.type === "Note" ? json : isObject(json.object) ? json.object : null;
  if (!note) return json;
  const attachments = Array.isArray(note.attachment) ? note.attachment : [note.attachment];
  let added = false;
  for (const item of attachments) {
    if (!isObject(item)) continue;
    const href = isObject(item.url) ? item.url.href : item.url;
    const found = media.find((m) => m.url === href);
    if (!found) continue;
    if (found.blurhash) item.blurhash = found.blurhash;
    if (found.focus) item.focalPoint = [found.focus.x, found.focus.y];
    added = true;
  }
  if (added) {
    const context = json["@context"];
    json["@context"] = [
      ...(Array.isArray(context) ? context : context ? [context] : []),
      MEDIA_TERMS,
    ];
  }
  return json;
}

/**
 * `object` whose compact JSON (what is delivered and served) carries Mastodon's media terms;
 * its expanded form, used when it is embedded in another object, stays Fedify's.
 */
export function withMediaExtensions<T extends APObject>(object: T, media: readonly NoteMedia[]): T {
  if (!media.some((m) => m.blurhash || m.focus)) return object;
  const serialise = object.toJsonLd.bind(object);
  const copy = object.clone.bind(object) as (values: unknown, options: unknown) => T;
  Object.defineProperties(object, {
    toJsonLd: {
      value: async (options: Parameters<T["toJsonLd"]>[0] = {}) => {
        const json = await serialise(options);
        return options.format === "expand" ? json : addMediaExtensions(json, media);
      },
    },
    // Fedify copies an activity on its way out (the actor as a URI, the integrity proof, which
    // is thus made over the completed JSON): the copies keep the terms too.
    clone: {
      value: (values: unknown, options: unknown) =>
        withMediaExtensions(copy(values, options), media),
    },
  });
  return object;
}
