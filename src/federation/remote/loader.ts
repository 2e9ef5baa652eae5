// Fetching ActivityPub documents from other servers, defensively: https only (http too in
// development), no private or loopback addresses unless development mode allows them, a time
// limit, a size limit, at most a few redirects and only within the same origin, and only the
// ActivityPub media types (CVE-2024-23832: JSON uploaded as a file elsewhere must not pass for
// an object). Requests are signed when a signer is given (Kith gives the instance actor's,
// so that servers in authorized-fetch mode answer). The result is a Fedify DocumentLoader, so
// Fedify's parsers can use it too.
import {
  type DocumentLoader,
  FetchError,
  type RemoteDocument,
  validatePublicUrl,
} from "@fedify/fedify";

export interface LoaderOptions {
  /** Allow loopback/private addresses and plain http (development and tests). */
  devMode: boolean;
  userAgent: string;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  /** Signs each request (every hop of a redirect anew, as the URL is signed). */
  sign?: (request: Request) => Promise<Request>;
  /** For tests: a fetch that reaches fake servers. */
  fetch?: typeof fetch;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 1024 * 1024;
const ACCEPT =
  'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"';

/** Why a document could not be had; `status` is the HTTP status when there was one. */
export class RemoteError extends FetchError {
  readonly status: number | null;
  constructor(url: string, message: string, response?: Response) {
    super(url, message, response);
    this.name = "RemoteError";
    this.status = response?.status ?? null;
  }
}

export function isActivityPubType(contentType: string | null): boolean {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "application/activity+json" || type === "application/ld+json";
}

/** Reads at most `max` bytes of the body; more is an error, not a truncation. */
async function readBounded(url: string, response: Response, max: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > max) {
    await response.body?.cancel();
    throw new RemoteError(url, `document larger than ${max} bytes`);
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new RemoteError(url, `document larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export interface BoundedResponse {
  /** the URL finally answered (same origin as asked) */
  url: string;
  status: number;
  contentType: string;
  /** the body as UTF-8 text */
  text: string;
  etag: string | null;
  /** the body as it came (media files) */
  bytes: Uint8Array;
}

/**
 * GET with every bound of this module (scheme, address, time, size, same-origin redirects).
 * Non-2xx answers throw RemoteError; `types` limits the media types accepted.
 */
export function createBoundedGet(options: LoaderOptions) {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? 3;

  async function check(url: URL) {
    const schemes = options.devMode ? ["https:", "http:"] : ["https:"];
    if (!schemes.includes(url.protocol)) throw new RemoteError(url.href, "scheme not allowed");
    if (!options.devMode) {
      try {
        await validatePublicUrl(url.href);
      } catch (error) {
        throw new RemoteError(url.href, `address not allowed (${(error as Error).message})`);
      }
    }
  }

  return async (
    requested: string,
    accept: string,
    types: (contentType: string | null) => boolean,
    outerSignal?: AbortSignal,
    /** e.g. If-None-Match: a 304 answer then comes back as it is, with no text */
    extraHeaders: Record<string, string> = {},
  ): Promise<BoundedResponse> => {
    const start = new URL(requested);
    start.hash = ""; // key ids like …#main-key name a part of the actor document
    let url = start;
    const signal = AbortSignal.any([
      AbortSignal.timeout(timeoutMs),
      ...(outerSignal ? [outerSignal] : []),
    ]);
    for (let hop = 0; ; hop++) {
      await check(url);
      let headers: Headers | Record<string, string> = {
        ...extraHeaders,
        Accept: accept,
        "User-Agent": options.userAgent,
      };
      if (options.sign) headers = (await options.sign(new Request(url.href, { headers }))).headers;
      let response: Response;
      try {
        response = await doFetch(url.href, {
          headers,
          redirect: "manual",
          signal,
        });
      } catch (error) {
        throw new RemoteError(url.href, `request failed (${(error as Error).message})`);
      }
      if (response.status === 304 && Object.keys(extraHeaders).length > 0) {
        await response.body?.cancel();
        return {
          url: url.href,
          status: 304,
          contentType: "",
          text: "",
          bytes: new Uint8Array(),
          etag: null,
        };
      }
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        const location = response.headers.get("location");
        if (!location || hop >= maxRedirects)
          throw new RemoteError(url.href, "too many or bad redirects", response);
        const next = new URL(location, url);
        // Another origin could serve anything under this URL's name.
        if (next.origin !== start.origin)
          throw new RemoteError(url.href, `redirect to another origin (${next.origin})`, response);
        url = next;
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new RemoteError(url.href, `HTTP ${response.status}`, response);
      }
      const contentType = response.headers.get("content-type");
      if (!types(contentType)) {
        await response.body?.cancel();
        throw new RemoteError(
          url.href,
          `unexpected media type (${contentType ?? "none"})`,
          response,
        );
      }
      const bytes = await readBounded(url.href, response, maxBytes);
      return {
        url: url.href,
        status: response.status,
        contentType: contentType ?? "",
        bytes,
        get text() {
          return new TextDecoder().decode(bytes);
        },
        etag: response.headers.get("etag"),
      };
    }
  };
}

/** A Fedify DocumentLoader over createBoundedGet, for ActivityPub documents only. */
export function createRemoteLoader(options: LoaderOptions): DocumentLoader {
  const get = createBoundedGet(options);
  return async (requested: string, loaderOptions?: { signal?: AbortSignal }) => {
    const answer = await get(requested, ACCEPT, isActivityPubType, loaderOptions?.signal);
    let document: unknown;
    try {
      document = JSON.parse(answer.text);
    } catch {
      throw new RemoteError(answer.url, "invalid JSON");
    }
    return { contextUrl: null, document, documentUrl: answer.url } satisfies RemoteDocument;
  };
}
