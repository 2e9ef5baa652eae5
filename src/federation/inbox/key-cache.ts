// Remote public keys for checking HTTP signatures, kept in memory as Fedify's parsed objects
// (their CryptoKey imported once). Fedify's own cache (fedify_kv) stores each key as JSON-LD,
// so every verification read a row, parsed the JSON-LD again and imported the PEM again.
//
// Like Fedify's cache, a key is kept until it fails: Fedify then fetches it afresh and verifies
// once more (a remote server rotated its key), so a key never needs a lifetime here. A key that
// could not be had is remembered briefly, so that a gone actor's deliveries do not each fetch it.
import type { KeyCache } from "@fedify/fedify";
import type { CryptographicKey, Multikey } from "@fedify/vocab";

type Key = CryptographicKey | Multikey;

export interface MemoryKeyCacheOptions {
  /** Keys kept; the least recently used one makes room. */
  maxKeys?: number;
  /** How long a key that could not be fetched is not asked for again. */
  unavailableMs?: number;
}

export class MemoryKeyCache implements KeyCache {
  readonly #keys = new Map<string, Key | { unavailableUntil: number }>();
  readonly #maxKeys: number;
  readonly #unavailableMs: number;

  constructor(options: MemoryKeyCacheOptions = {}) {
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#unavailableMs = options.unavailableMs ?? 10 * 60_000;
  }

  async get(keyId: URL): Promise<Key | null | undefined> {
    const entry = this.#keys.get(keyId.href);
    if (entry === undefined) return undefined;
    if ("unavailableUntil" in entry) {
      if (entry.unavailableUntil > Date.now()) return null;
      this.#keys.delete(keyId.href);
      return undefined;
    }
    // Most recently used last, so the first entry is the one to evict.
    this.#keys.delete(keyId.href);
    this.#keys.set(keyId.href, entry);
    return entry;
  }

  async set(keyId: URL, key: Key | null): Promise<void> {
    this.#keys.delete(keyId.href);
    if (this.#keys.size >= this.#maxKeys) this.#keys.delete(this.#keys.keys().next().value!);
    this.#keys.set(keyId.href, key ?? { unavailableUntil: Date.now() + this.#unavailableMs });
  }

  get size(): number {
    return this.#keys.size;
  }
}
