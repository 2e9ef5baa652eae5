// A fake remote server on loopback for outbound federation tests: it serves actor documents
// (each user with an RSA key made here) and records every POST to a personal inbox or to the
// shared inbox, with its headers. Each POST's draft-cavage signature is checked on arrival
// against the sender's public key fetched from the sender (Kith), independently of Fedify:
// signed headers, Digest of the body, RSA-SHA256, and key owner = activity actor.
import { createHash, createPublicKey, generateKeyPairSync, verify } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { signRequest } from "@fedify/fedify";
import { newId } from "../../src/db/ids.ts";
import type { Context } from "../../src/domain/context.ts";

const AP = "application/activity+json";
export const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

export interface RemoteUser {
  username: string;
  uri: string;
  inbox: string;
  sharedInbox: string | null;
  /** Kith's accounts.id once `addToKith` ran */
  accountId: string;
  privateKey: CryptoKey;
  publicKeyPem: string;
}

export interface Delivery {
  /** full URL of the inbox that received it */
  inbox: string;
  headers: IncomingHttpHeaders;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: activities are checked field by field
  activity: any;
  /** null when the signature checked out, else why not */
  signatureProblem: string | null;
}

export interface RecordingInbox {
  origin: string;
  /** the handle domain used in Kith (e.g. `r1.test`) */
  domain: string;
  users: Map<string, RemoteUser>;
  deliveries: Delivery[];
  user(name: string): RemoteUser;
  /** Stores the users as remote accounts in Kith. */
  addToKith(ctx: Context): Promise<void>;
  /** A GET signed (draft-cavage) with `username`'s key. */
  signedGet(url: string, username: string): Promise<Response>;
  close(): Promise<void>;
}

/** `to`/`cc` and friends as a list, whether JSON-LD gave one value or many. */
export function list(value: unknown): unknown[] {
  return value == null ? [] : Array.isArray(value) ? value : [value];
}

const keyCache = new Map<string, Promise<string>>();

async function senderKeyPem(keyId: string): Promise<string> {
  let pem = keyCache.get(keyId);
  if (!pem) {
    pem = (async () => {
      const response = await fetch(keyId.replace(/#.*$/, ""), { headers: { Accept: AP } });
      if (!response.ok) throw new Error(`key ${keyId}: HTTP ${response.status}`);
      const actor = (await response.json()) as { publicKey?: { id: string; publicKeyPem: string } };
      if (actor.publicKey?.id !== keyId) throw new Error(`no key ${keyId} on its actor`);
      return actor.publicKey.publicKeyPem;
    })();
    keyCache.set(keyId, pem);
  }
  return pem;
}

async function checkSignature(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: string,
  actor: unknown,
): Promise<string | null> {
  const header = headers.signature;
  if (typeof header !== "string") return "no Signature header";
  const params = Object.fromEntries(
    [...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
  );
  const { keyId, headers: signed, signature } = params;
  if (!keyId || !signed || !signature) return `incomplete Signature: ${header}`;
  const names = signed.split(" ");
  for (const required of ["(request-target)", "host", "date", "digest"])
    if (!names.includes(required)) return `${required} not signed`;
  const digest = `SHA-256=${createHash("sha256").update(body).digest("base64")}`;
  if (headers.digest !== digest) return `Digest ${headers.digest} ≠ ${digest}`;
  if (Math.abs(Date.parse(String(headers.date)) - Date.now()) > 300_000) return "stale Date";
  if (keyId.replace(/#.*$/, "") !== actor) return `key ${keyId} is not the actor ${actor}`;
  const text = names
    .map((name) =>
      name === "(request-target)"
        ? `(request-target): ${method.toLowerCase()} ${path}`
        : `${name}: ${headers[name]}`,
    )
    .join("\n");
  const pem = await senderKeyPem(keyId);
  const ok = verify(
    "sha256",
    Buffer.from(text),
    createPublicKey(pem),
    Buffer.from(signature, "base64"),
  );
  return ok ? null : "signature does not verify";
}

export async function startRecordingInbox(options: {
  domain: string;
  users: string[];
  /** offer a shared inbox (default true) */
  sharedInbox?: boolean;
}): Promise<RecordingInbox> {
  const deliveries: Delivery[] = [];
  const users = new Map<string, RemoteUser>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const path = req.url ?? "/";
      const body = Buffer.concat(chunks).toString("utf8");
      if (req.method === "GET") {
        const user = users.get(/^\/users\/([^/]+)$/.exec(path)?.[1] ?? "");
        if (!user) return res.writeHead(404).end();
        return res.writeHead(200, { "Content-Type": AP }).end(JSON.stringify(actorDocument(user)));
      }
      const isInbox = path === "/inbox" || /^\/users\/[^/]+\/inbox$/.test(path);
      if (req.method !== "POST" || !isInbox) return res.writeHead(404).end();
      let activity: unknown = null;
      try {
        activity = JSON.parse(body);
      } catch {}
      const actor = (activity as { actor?: unknown } | null)?.actor;
      const signatureProblem = await checkSignature("POST", path, req.headers, body, actor).catch(
        (error: unknown) => String(error),
      );
      deliveries.push({
        inbox: `${origin}${path}`,
        headers: req.headers,
        body,
        activity,
        signatureProblem,
      });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const shared = options.sharedInbox !== false;

  for (const username of options.users) {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const uri = `${origin}/users/${username}`;
    users.set(username, {
      username,
      uri,
      inbox: `${uri}/inbox`,
      sharedInbox: shared ? `${origin}/inbox` : null,
      accountId: "",
      privateKey: await crypto.subtle.importKey(
        "jwk",
        privateKey.export({ format: "jwk" }),
        { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
        true,
        ["sign"],
      ),
      publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    });
  }

  function actorDocument(user: RemoteUser) {
    return {
      "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
      id: user.uri,
      type: "Person",
      preferredUsername: user.username,
      inbox: user.inbox,
      outbox: `${user.uri}/outbox`,
      followers: `${user.uri}/followers`,
      ...(user.sharedInbox ? { endpoints: { sharedInbox: user.sharedInbox } } : {}),
      publicKey: { id: `${user.uri}#main-key`, owner: user.uri, publicKeyPem: user.publicKeyPem },
    };
  }

  const userNamed = (name: string) => {
    const user = users.get(name);
    if (!user) throw new Error(`no remote user ${name}`);
    return user;
  };

  return {
    origin,
    domain: options.domain,
    users,
    deliveries,
    user: userNamed,
    async addToKith(ctx) {
      const now = new Date().toISOString();
      for (const user of users.values()) {
        user.accountId = newId();
        await ctx.db.kysely
          .insertInto("accounts")
          .values({
            id: user.accountId,
            username: user.username,
            domain: options.domain,
            uri: user.uri,
            url: user.uri,
            inbox_url: user.inbox,
            shared_inbox_url: user.sharedInbox,
            outbox_url: `${user.uri}/outbox`,
            followers_url: `${user.uri}/followers`,
            following_url: null,
            featured_url: null,
            avatar_url: null,
            header_url: null,
            discoverable: null,
            moved_to_account_id: null,
            public_key_pem: user.publicKeyPem,
            private_key_pem: null,
            suspended_at: null,
            silenced_at: null,
            sensitized_at: null,
            last_status_at: null,
            created_at: now,
            updated_at: now,
            fetched_at: now,
          })
          .execute();
      }
    },
    async signedGet(url, username) {
      const user = userNamed(username);
      const request = await signRequest(
        new Request(url, { headers: { Accept: AP } }),
        user.privateKey,
        new URL(`${user.uri}#main-key`),
        { spec: "draft-cavage-http-signatures-12" },
      );
      return fetch(request);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Waits (bounded) until at least `count` deliveries across `inboxes` match, then a little
 * longer so that a delivery to a wrong inbox would show too; returns every match.
 */
export async function deliveriesWhere(
  inboxes: readonly RecordingInbox[],
  match: (delivery: Delivery) => boolean,
  count: number,
  timeoutMs = 15_000,
): Promise<Delivery[]> {
  const find = () => inboxes.flatMap((i) => i.deliveries).filter(match);
  const started = Date.now();
  while (find().length < count && Date.now() - started < timeoutMs) await sleep(25);
  await sleep(300);
  return find();
}

/** The deliveries of activity `id`, once at least `count` have arrived (see deliveriesWhere). */
export const deliveriesOf = (inboxes: readonly RecordingInbox[], id: string, count: number) =>
  deliveriesWhere(inboxes, (d) => d.activity?.id === id, count);
