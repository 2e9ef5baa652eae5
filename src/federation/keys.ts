// The key pairs dispatcher's data: each local actor's RSA pair (first, so it becomes
// `publicKey` #main-key for HTTP signatures) and Ed25519 pair (second, a Multikey for object
// proofs). Fedify asks on every actor fetch and every send, so imported keys are cached. The
// instance actor's pairs (instance-actor.ts) are made the same way.
import { createPrivateKey, createPublicKey, type webcrypto } from "node:crypto";
import { importJwk } from "@fedify/fedify";
import type { Db } from "../db/database.ts";
import { type AccountKeys, localAccountKeys } from "../domain/accounts/local-actors.ts";
import type { Context } from "../domain/context.ts";
import { instanceActorKeys } from "../domain/instance-actor.ts";

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const MAX_CACHED = 1000;
const caches = new WeakMap<Db, Map<string, Promise<CryptoKeyPair[]>>>();

export function actorKeyPairs(ctx: Context, accountId: string): Promise<CryptoKeyPair[]> {
  let cache = caches.get(ctx.db);
  if (!cache) caches.set(ctx.db, (cache = new Map()));
  let pairs = cache.get(accountId);
  if (!pairs) {
    pairs = localAccountKeys(ctx, accountId).then(importKeyPairs);
    // A failed load is not remembered; the oldest entry makes room.
    pairs.catch(() => cache.delete(accountId));
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(accountId, pairs);
  }
  return pairs;
}

const instanceCaches = new WeakMap<Db, Promise<CryptoKeyPair[]>>();

/** The instance actor's RSA and Ed25519 pairs, in that order. */
export function instanceKeyPairs(ctx: Context): Promise<CryptoKeyPair[]> {
  let pairs = instanceCaches.get(ctx.db);
  if (!pairs) {
    pairs = instanceActorKeys(ctx).then(importKeyPairs);
    pairs.catch(() => instanceCaches.delete(ctx.db));
    instanceCaches.set(ctx.db, pairs);
  }
  return pairs;
}

async function importKeyPairs(keys: AccountKeys): Promise<CryptoKeyPair[]> {
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
