// A push service on loopback for the Web Push tests: it records what Kith sends and answers
// with the statuses it is told to. With it, the user agent's side of RFC 8291 (the key pair
// and auth secret a browser makes, and decrypting an aes128gcm message) and a check of the
// RFC 8292 VAPID header, written here from the RFCs with node:crypto alone, so that a test
// proves the message really is readable by the subscriber and really signed by the server.
import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  type ECDH,
  hkdfSync,
  randomBytes,
  verify,
} from "node:crypto";
import { createServer, type Server } from "node:http";

export interface ReceivedPush {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface PushService {
  /** e.g. http://127.0.0.1:PORT/push/NAME */
  endpoint(name: string): string;
  received: ReceivedPush[];
  /** statuses to answer with, in order; 201 once they run out */
  answers: number[];
  /** resolves when `count` pushes have arrived (or rejects after `timeoutMs`) */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedPush[]>;
  close(): Promise<void>;
}

export async function startPushService(): Promise<PushService> {
  const received: ReceivedPush[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = answers.shift() ?? 201;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: (name) => `http://127.0.0.1:${port}/push/${name}`,
    received,
    answers,
    async waitFor(count, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until)
          throw new Error(`expected ${count} pushes, got ${received.length} in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return received.slice(0, count);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a browser makes when it subscribes: a P-256 key pair and a 16-byte auth secret. */
export interface UserAgentKeys {
  ecdh: ECDH;
  p256dh: string;
  auth: string;
}

export function newUserAgentKeys(): UserAgentKeys {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return {
    ecdh,
    p256dh: ecdh.getPublicKey().toString("base64url"),
    auth: randomBytes(16).toString("base64url"),
  };
}

const hkdf = (salt: Buffer, ikm: Buffer, info: Buffer, length: number) =>
  Buffer.from(hkdfSync("sha256", ikm, salt, info, length));

/** RFC 8291 §3–4 with RFC 8188's aes128gcm framing (one record). */
export function decryptPush(keys: UserAgentKeys, body: Buffer): string {
  const salt = body.subarray(0, 16);
  const idLength = body[20]!;
  const senderPublic = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const uaPublic = keys.ecdh.getPublicKey();
  const ecdhSecret = keys.ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), uaPublic, senderPublic]);
  const ikm = hkdf(Buffer.from(keys.auth, "base64url"), ecdhSecret, keyInfo, 32);
  const cek = hkdf(salt, ikm, Buffer.from("Content-Encoding: aes128gcm\0"), 16);
  const nonce = hkdf(salt, ikm, Buffer.from("Content-Encoding: nonce\0"), 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([
    decipher.update(record.subarray(0, record.length - 16)),
    decipher.final(),
  ]);
  // The last record ends with the delimiter 0x02 and then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("no last-record delimiter");
  return padded.subarray(0, end).toString("utf8");
}

/**
 * The draft encoding Mastodon uses for subscriptions that are not `standard` (aesgcm,
 * draft-ietf-webpush-encryption-04): salt in `Encryption`, the sender's key in `Crypto-Key`,
 * a context block in the key derivation and a 2-byte padding length in front.
 */
export function decryptLegacyPush(
  keys: UserAgentKeys,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): string {
  const param = (header: unknown, name: string) => {
    const m = new RegExp(`(?:^|[;,]\\s*)${name}=([A-Za-z0-9_-]+)`).exec(String(header ?? ""));
    if (!m) throw new Error(`no ${name} in ${String(header)}`);
    return Buffer.from(m[1]!, "base64url");
  };
  const salt = param(headers.encryption, "salt");
  const senderPublic = param(headers["crypto-key"], "dh");
  const uaPublic = keys.ecdh.getPublicKey();
  const ecdhSecret = keys.ecdh.computeSecret(senderPublic);
  const ikm = hkdf(
    Buffer.from(keys.auth, "base64url"),
    ecdhSecret,
    Buffer.from("Content-Encoding: auth\0"),
    32,
  );
  const length = (b: Buffer) => Buffer.from([b.length >> 8, b.length & 0xff]);
  const context = Buffer.concat([
    Buffer.from("P-256\0"),
    length(uaPublic),
    uaPublic,
    length(senderPublic),
    senderPublic,
  ]);
  const cek = hkdf(
    salt,
    ikm,
    Buffer.concat([Buffer.from("Content-Encoding: aesgcm\0"), context]),
    16,
  );
  const nonce = hkdf(
    salt,
    ikm,
    Buffer.concat([Buffer.from("Content-Encoding: nonce\0"), context]),
    12,
  );
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(body.subarray(body.length - 16));
  const padded = Buffer.concat([
    decipher.update(body.subarray(0, body.length - 16)),
    decipher.final(),
  ]);
  const padding = padded.readUInt16BE(0);
  return padded.subarray(2 + padding).toString("utf8");
}

/**
 * Checks `Authorization: vapid t=<JWT>, k=<key>` (RFC 8292; or the draft's `WebPush <JWT>`
 * with `legacyKey`): the key is `serverKey`, the JWT
 * is ES256-signed by it, its audience is the push service's origin and it has not expired.
 * Returns the JWT's claims.
 */
export function verifyVapid(
  authorization: string | undefined,
  serverKey: string,
  endpoint: string,
  /** for `WebPush <JWT>`: the `p256ecdsa` key of the Crypto-Key header */
  legacyKey?: string,
): { aud: string; exp: number; sub: string } {
  let jwt: string;
  let k: string;
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? "");
  if (match) [jwt, k] = [match[1]!, match[2]!];
  else {
    // The first draft (legacy subscriptions): `WebPush <JWT>`, the key in Crypto-Key.
    const legacy = /^WebPush ([^\s]+)$/.exec(authorization ?? "");
    if (!legacy || !legacyKey) throw new Error(`not a VAPID header: ${authorization}`);
    [jwt, k] = [legacy[1]!, legacyKey];
  }
  if (k !== serverKey) throw new Error("the VAPID key is not the server's");
  const [header, payload, signature] = jwt.split(".") as [string, string, string];
  const point = Buffer.from(serverKey, "base64url");
  const key = createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: point.subarray(1, 33).toString("base64url"),
      y: point.subarray(33, 65).toString("base64url"),
    },
    format: "jwk",
  });
  const ok = verify(
    "sha256",
    Buffer.from(`${header}.${payload}`),
    { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
  if (!ok) throw new Error("the VAPID signature does not verify");
  if (JSON.parse(Buffer.from(header, "base64url").toString()).alg !== "ES256")
    throw new Error("not ES256");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  if (claims.aud !== new URL(endpoint).origin) throw new Error(`wrong audience ${claims.aud}`);
  if (!(claims.exp > Date.now() / 1000)) throw new Error("expired");
  return claims;
}
