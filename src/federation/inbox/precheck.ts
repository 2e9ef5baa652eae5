// Cheap checks on a delivery's JSON before Fedify verifies and queues it, so that what can
// never be accepted is refused at once with a 4xx rather than queued and dropped later: an
// object of a Create, Update or Delete must be on its actor's host (federation.md §6, rule 3),
// and a created object must be attributed to the actor. No Fedify here: it runs per request.

export interface Refused {
  status: 400 | 403;
  error: string;
}

const idOf = (value: unknown): string | null => {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const id = (value as Record<string, unknown>).id ?? (value as Record<string, unknown>)["@id"];
    return typeof id === "string" ? id : null;
  }
  return null;
};

const host = (uri: string): string | null => {
  try {
    return new URL(uri).host.toLowerCase();
  } catch {
    return null;
  }
};

const typesOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((t): t is string => typeof t === "string");

/** The actor's id of a delivery that passed precheckDelivery. */
export const actorOf = (json: unknown): string =>
  idOf((json as Record<string, unknown>).actor) ?? "";

/** Null when the delivery may go on; otherwise the status and message to answer with. */
export function precheckDelivery(json: unknown): Refused | null {
  if (json === null || typeof json !== "object" || Array.isArray(json))
    return { status: 400, error: "An activity must be a JSON object" };
  const activity = json as Record<string, unknown>;
  const actor = idOf(activity.actor);
  if (!actor || !host(actor)) return { status: 400, error: "The activity has no actor" };
  const types = typesOf(activity.type);
  if (!types.some((t) => ["Create", "Update", "Delete"].includes(t))) return null;
  const objectId = idOf(activity.object);
  if (!objectId) return { status: 400, error: "The activity has no object" };
  if (host(objectId) !== host(actor))
    return { status: 403, error: "The object is not on the actor's host" };
  if (types.includes("Create") && activity.object && typeof activity.object === "object") {
    const attributed = (activity.object as Record<string, unknown>).attributedTo;
    const author = idOf(Array.isArray(attributed) ? attributed[0] : attributed);
    if (author && author !== actor)
      return { status: 403, error: "The object is attributed to another actor" };
  }
  return null;
}

const AS_CONTEXTS = [
  "https://www.w3.org/ns/activitystreams",
  "http://www.w3.org/ns/activitystreams",
];

/** Does the JSON name the ActivityStreams context (so that its terms mean anything)? */
export function hasActivityStreamsContext(json: Record<string, unknown>): boolean {
  const context = json["@context"];
  const list = Array.isArray(context) ? context : [context];
  return list.some((c) => typeof c === "string" && AS_CONTEXTS.includes(c));
}

/** LitePub types, defined only by Pleroma's LitePub context (which payloads may leave out). */
const LITEPUB_TYPES = ["EmojiReact", "ChatMessage"];

function usesUndeclaredLitepubType(json: Record<string, unknown>): boolean {
  const object = json.object as Record<string, unknown> | undefined;
  const types = [
    ...typesOf(json.type),
    ...(object && typeof object === "object" ? typesOf(object.type) : []),
  ];
  const used = types.filter((t) => LITEPUB_TYPES.includes(t));
  if (used.length === 0) return false;
  const context = json["@context"];
  const list = Array.isArray(context) ? context : [context];
  return !list.some(
    (c) =>
      (typeof c === "string" && c.includes("litepub")) ||
      (c && typeof c === "object" && used.every((t) => t in (c as object))),
  );
}

/** Does the JSON need repairs Fedify would refuse it for (see remote/documents.ts)? */
export function needsRepair(json: Record<string, unknown>): boolean {
  return !hasActivityStreamsContext(json) || hasNullId(json, 0) || usesUndeclaredLitepubType(json);
}

function hasNullId(value: unknown, depth: number): boolean {
  if (depth > 32 || value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((v) => hasNullId(v, depth + 1));
  for (const [key, v] of Object.entries(value)) {
    if ((key === "id" || key === "@id") && v === null) return true;
    if (key !== "@context" && hasNullId(v, depth + 1)) return true;
  }
  return false;
}
