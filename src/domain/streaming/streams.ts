// The streams a client can subscribe to, as Mastodon names them, and what each needs.
import type { Viewer } from "../viewer.ts";

export type PublicStreamName =
  | "public"
  | "public:media"
  | "public:local"
  | "public:local:media"
  | "public:remote"
  | "public:remote:media";

export type StreamSpec =
  | { name: "user" | "user:notification" | "direct" }
  | { name: PublicStreamName }
  | { name: "hashtag" | "hashtag:local"; tag: string }
  | { name: "list"; list: string };

const PUBLIC_NAMES: ReadonlySet<string> = new Set<PublicStreamName>([
  "public",
  "public:media",
  "public:local",
  "public:local:media",
  "public:remote",
  "public:remote:media",
]);

export const isPublicStream = (spec: StreamSpec): spec is { name: PublicStreamName } =>
  PUBLIC_NAMES.has(spec.name);

/** Why a subscription was refused, as Mastodon words it, with its status. */
export class StreamRequestError extends Error {
  readonly status: 400 | 401 | 404;

  constructor(message: string, status: 400 | 401 | 404) {
    super(message);
    this.status = status;
  }
}

/** A stream from its name and parameters (`tag`, `list`); throws StreamRequestError. */
export function parseStream(
  name: string | undefined,
  params: { tag?: string | undefined; list?: string | undefined },
): StreamSpec {
  if (name === "user" || name === "user:notification" || name === "direct") return { name };
  if (name !== undefined && PUBLIC_NAMES.has(name)) return { name: name as PublicStreamName };
  if (name === "hashtag" || name === "hashtag:local") {
    const tag = params.tag?.replace(/^#/, "").trim();
    if (!tag) throw new StreamRequestError("No tag for stream provided", 400);
    return { name, tag: tag.toLowerCase() };
  }
  if (name === "list") {
    if (!params.list) throw new StreamRequestError("No list for stream provided", 400);
    return { name, list: params.list };
  }
  throw new StreamRequestError("Unknown stream type", 400);
}

/** The `stream` array of a WebSocket message: the name, then the tag or list. */
export function streamLabel(spec: StreamSpec): string[] {
  if ("tag" in spec) return [spec.name, spec.tag];
  if ("list" in spec) return [spec.name, spec.list];
  return [spec.name];
}

/** One key per distinct subscription of a connection. */
export const streamKey = (spec: StreamSpec) => streamLabel(spec).join("\u0000");

/**
 * The scope a stream needs (Mastodon's streaming server, 4.4.6 and later: every stream needs
 * `read` or the sub-scope; notifications `read:notifications`, the rest `read:statuses`).
 */
export const requiredScope = (spec: StreamSpec) =>
  spec.name === "user:notification" ? "read:notifications" : "read:statuses";

/** Who is listening on a connection: a signed-in user and what its token allows. */
export interface StreamViewer {
  viewer: Viewer;
  tokenId: string;
  scopes: readonly string[];
}
