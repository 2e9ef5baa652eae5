// A small fediverse on loopback for federation tests: one HTTP server that serves actor
// documents (with RSA keys it generates) and any other document at any URL, signs and POSTs
// activities to Kith (draft-cavage or RFC 9421, or deliberately wrong), and records what is
// POSTed to it. Documents may be served only to signed GETs, as in authorized-fetch mode.
//
// Actors on the server's own hosts (http://127.0.0.1:PORT and http://localhost:PORT, which
// are different hosts to Kith) are reachable by a real Kith over HTTP. Documents under any
// other host (the fixtures' mastodon.example.org…) are reachable through `fetch` and `loader`,
// which route those hosts to this server: give them to a test federation.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type DocumentLoader,
  exportSpki,
  generateCryptoKeyPair,
  preloadedContexts,
  signRequest,
  verifyRequest,
} from "@fedify/fedify";
import type { Context } from "../../src/domain/context.ts";
import { createRemoteLoader } from "../../src/federation/remote/loader.ts";
import { toInstant } from "../../src/federation/temporal.ts";

/** ActivityStreams, keys, and the Mastodon extension terms actors use. */
export const AS_CONTEXT = [
  "https://www.w3.org/ns/activitystreams",
  "https://w3id.org/security/v1",
  {
    toot: "http://joinmastodon.org/ns#",
    featured: { "@id": "toot:featured", "@type": "@id" },
    discoverable: "toot:discoverable",
    manuallyApprovesFollowers: "as:manuallyApprovesFollowers",
    alsoKnownAs: { "@id": "as:alsoKnownAs", "@type": "@id" },
    movedTo: { "@id": "as:movedTo", "@type": "@id" },
    schema: "http://schema.org#",
    PropertyValue: "schema:PropertyValue",
    value: "schema:value",
  },
];

export interface FakeActor {
  id: string;
  keyId: string;
  inbox: string;
  followers: string;
  privateKey: CryptoKey;
  document: Record<string, unknown>;
}

export interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: activities are read field by field
  json: any;
}

interface Served {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Answer 401 unless the GET carries a valid HTTP signature. */
  signed?: boolean;
}

export interface PostOptions {
  spec?: "draft-cavage-http-signatures-12" | "rfc9421";
  /** Sign with this key (and key id) instead of the actor's own */
  privateKey?: CryptoKey;
  keyId?: string;
  /** Pretend the request was signed at this time */
  signedAt?: Date;
  /** Send this body instead of the one that was signed (a wrong digest) */
  tamperedBody?: string;
  /** Do not sign at all */
  unsigned?: boolean;
}

const VHOST = "/_vhost/";

export class FakeFediverse {
  readonly received: Received[] = [];
  /** Every URL asked for with GET, in order */
  readonly requested: string[] = [];
  /** The key ids of the valid signatures on GETs of documents served `signed`, in order */
  readonly signedBy: string[] = [];
  readonly #docs = new Map<string, Served>();
  readonly #server: Server;
  readonly origin: string;
  /** The same server under another host name: a different server to Kith. */
  readonly altOrigin: string;

  private constructor(server: Server) {
    this.#server = server;
    const { port } = server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
    this.altOrigin = `http://localhost:${port}`;
  }

  static async start(): Promise<FakeFediverse> {
    let fake: FakeFediverse | undefined;
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", async () => {
        const answer = await fake!.#answer(req.method ?? "GET", req.headers, req.url ?? "/", body);
        res.writeHead(answer.status, answer.headers).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    fake = new FakeFediverse(server);
    return fake;
  }

  async #answer(
    method: string,
    headers: IncomingHttpHeaders,
    path: string,
    body: string,
  ): Promise<Served> {
    let url: string;
    if (path.startsWith(VHOST)) {
      const rest = path.slice(VHOST.length);
      const slash = rest.indexOf("/");
      url = decodeURIComponent(rest.slice(0, slash)) + rest.slice(slash);
    } else {
      url = `http://${headers.host}${path}`;
    }
    if (method === "POST") {
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {}
      this.received.push({ url, headers, body, json });
      return { status: 202, headers: {}, body: "" };
    }
    this.requested.push(url);
    const served = this.#docs.get(url);
    if (!served)
      return {
        status: 404,
        headers: { "content-type": "application/json" },
        body: '{"error":"not found"}',
      };
    if (served.signed) {
      const keyId = await this.#signer(url, headers);
      if (!keyId)
        return { status: 401, headers: { "content-type": "application/json" }, body: "{}" };
      this.signedBy.push(keyId);
    }
    return served;
  }

  /** The key id of a valid signature on this GET (the key fetched from its owner), or null. */
  async #signer(url: string, headers: IncomingHttpHeaders): Promise<string | null> {
    const request = new Request(url, {
      headers: Object.entries(headers).flatMap(([name, value]) =>
        typeof value === "string" ? [[name, value]] : [],
      ),
    });
    const key = await verifyRequest(request, {
      documentLoader: this.#keyLoader,
      contextLoader: this.contextLoader,
    }).catch(() => null);
    return key?.id?.href ?? null;
  }

  /**
   * Serves a JSON document at `url` (any host), as activity+json unless told otherwise; with
   * `signed`, only to GETs with a valid HTTP signature.
   */
  serve(
    url: string,
    document: unknown,
    options: { status?: number; contentType?: string; signed?: boolean } = {},
  ) {
    const key = new URL(url);
    key.hash = "";
    this.#docs.set(key.href, {
      status: options.status ?? 200,
      headers: { "content-type": options.contentType ?? "application/activity+json" },
      body: typeof document === "string" ? document : JSON.stringify(document),
      signed: options.signed === true,
    });
  }

  /** Serves a raw HTTP response (status line, headers, blank line, body) at `url`. */
  serveRaw(url: string, raw: string) {
    const split = raw.search(/\r?\n\r?\n/);
    const head = raw.slice(0, split).split(/\r?\n/);
    const body = raw.slice(split).replace(/^\r?\n\r?\n/, "");
    const status = Number(head[0]!.split(" ")[1]);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).trim().toLowerCase();
      if (name === "content-length" || name === "transfer-encoding") continue;
      headers[name] = line.slice(colon + 1).trim();
    }
    this.#docs.set(new URL(url).href, { status, headers, body });
  }

  /** Makes an actor with a fresh RSA key and serves its document at `id`. */
  async actor(id: string, extra: Record<string, unknown> = {}): Promise<FakeActor> {
    const { privateKey, publicKey } = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const keyId = `${id}#main-key`;
    const last = id.replace(/\/$/, "").split("/").pop() ?? "";
    const username = last.replace(/[^A-Za-z0-9_.-]/g, "") || "actor";
    const document: Record<string, unknown> = {
      "@context": AS_CONTEXT,
      id,
      type: "Person",
      preferredUsername: username,
      inbox: `${id}/inbox`,
      outbox: `${id}/outbox`,
      followers: `${id}/followers`,
      following: `${id}/following`,
      ...extra,
      publicKey: { id: keyId, owner: id, publicKeyPem: await exportSpki(publicKey) },
    };
    this.serve(id, document);
    return {
      id,
      keyId,
      inbox: String(document.inbox),
      followers: String(document.followers),
      privateKey,
      document,
    };
  }

  /** Signs and POSTs an activity (JSON) to `inbox`, as `actor` unless options say otherwise. */
  async post(
    actor: FakeActor | null,
    inbox: string,
    activity: unknown,
    options: PostOptions = {},
  ): Promise<Response> {
    return fetch(await this.sign(actor, inbox, activity, options));
  }

  /** The signed POST request that `post` sends. */
  async sign(
    actor: FakeActor | null,
    inbox: string,
    activity: unknown,
    options: PostOptions = {},
  ): Promise<Request> {
    const body = typeof activity === "string" ? activity : JSON.stringify(activity);
    let request = new Request(inbox, {
      method: "POST",
      headers: { "Content-Type": "application/activity+json", Accept: "application/activity+json" },
      body,
    });
    if (!options.unsigned) {
      const privateKey = options.privateKey ?? actor?.privateKey;
      const keyId = options.keyId ?? actor?.keyId;
      if (!privateKey || !keyId) throw new Error("nothing to sign with");
      request = await signRequest(request, privateKey, new URL(keyId), {
        spec: options.spec ?? "draft-cavage-http-signatures-12",
        ...(options.signedAt ? { currentTime: toInstant(options.signedAt) } : {}),
      });
    }
    if (options.tamperedBody !== undefined)
      request = new Request(request, { body: options.tamperedBody });
    return request;
  }

  /** A fetch that reaches this server for every host (fixture hosts included). */
  readonly fetch: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const own = [this.origin, this.altOrigin].includes(url.origin);
    const target = own
      ? url.href
      : `${this.origin}${VHOST}${encodeURIComponent(url.origin)}${url.pathname}${url.search}`;
    return fetch(target, init);
  };

  /** Kith's safe loader, reaching this server for every host. */
  readonly loader: DocumentLoader = createRemoteLoader({
    devMode: true,
    userAgent: "fake-fediverse",
    fetch: this.fetch,
  });

  /** Signers' keys come from the real servers (a Kith on loopback). */
  readonly #keyLoader = createRemoteLoader({ devMode: true, userAgent: "fake-fediverse" });

  /** JSON-LD contexts: Fedify's preloaded ones, and no other (as if unreachable). */
  readonly contextLoader: DocumentLoader = async (url) => {
    const document = preloadedContexts[url];
    if (!document) throw new Error(`context not available: ${url}`);
    return { contextUrl: null, documentUrl: url, document };
  };

  /** The local account `followerId` follows `actor` (fetched by Kith), as if it had accepted. */
  async followedBy(kith: Context, actor: FakeActor, followerId: string): Promise<void> {
    const { resolveActor } = await import("../../src/federation/remote/actors.ts");
    const { follow, authorizeFollowRequest } = await import(
      "../../src/domain/relationships/follow.ts"
    );
    const env = { kith, loader: this.loader, contextLoader: this.contextLoader };
    const account = await resolveActor(env, actor.id);
    await follow(kith, followerId, account.id);
    await authorizeFollowRequest(kith, followerId, account.id);
  }

  /** Waits until `predicate` holds (polling), or fails after `timeoutMs`. */
  async waitFor<T>(predicate: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
    const started = Date.now();
    for (;;) {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
      if (Date.now() - started > timeoutMs) throw new Error("timed out waiting");
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
