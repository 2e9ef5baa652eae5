// The key pairs dispatcher's data: each local actor's RSA pair (first, so it becomes
// `publicKey` #main-key for HTTP signatures) and Ed25519 pair (second, a Multikey for object
// proofs). Fedify asks on every actor fetch and every send, so imported keys are cached.
import { createPrivateKey, createPublicKey, type webcrypto } from "node:crypto";
import { importJwk } from "@fedify/fedify";
import type { Db } from "../db/database.ts";
import { localAccountKeys } from "../domain/accounts/local-actors.ts";
import type { Context } from "../domain/context.ts";

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const MAX_CACHED = 1000;
const caches = new WeakMap<Db, Map<string, Promise<CryptoKeyPair[]>>>();

export function actorKeyPairs(ctx: Context, accountId: string): Promise<CryptoKeyPair[]> {
  let cache = caches.get(ctx.db);
  if (!cache) caches.set(ctx.db, (cache = new Map()));
  let pairs = cache.get(accountId);
  if (!pairs) {
    pairs = loadKeyPairs(ctx, accountId);
    // A failed load is not remembered; the oldest entry makes room.
    pairs.catch(() => cache.delete(accountId));
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(accountId, pairs);
  }
  return pairs;
}

async function loadKeyPairs(ctx: Context, accountId: string): Promise<CryptoKeyPair[]> {
  const keys = await localAccountKeys(ctx, accountId);
  // PEMs may be PKCS#1 or PKCS#8 (keys imported from elsewhere); JWK is one format for both.
  const rsaJwk = (jwk: webcrypto.JsonWebKey) => ({ ...jwk, alg: "RS256" });
  const rsa: CryptoKeyPair = {
    publicKey: await importJwk(
      rsaJwk(createPublicKey(keys.rsaPublicPem).export({ format: "jwk" })),
      "public",
    ),
    privateKey: await importJwk(
      rsaJwk(createPrivateKey(keys.rsaPrivatePem).export({ format: "jwk" })),
      "private",
    ),
  };
  const ed25519: CryptoKeyPair = {
    publicKey: await importJwk(keys.ed25519PublicJwk, "public"),
    privateKey: await importJwk(keys.ed25519PrivateJwk, "private"),
  };
  return [rsa, ed25519];
}
