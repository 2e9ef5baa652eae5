// Local accounts as other servers see them: which ones exist for them, and each one's signing
// keys (an RSA pair for HTTP signatures, an Ed25519 pair for object proofs), made on first use.
import { generateKeyPair as generateKeyPairCallback, type webcrypto } from "node:crypto";
import { promisify } from "node:util";
import type { Context } from "../context.ts";
import type { AccountRow } from "./queries.ts";

const generateKeyPair = promisify(generateKeyPairCallback);

type JsonWebKey = webcrypto.JsonWebKey;

export interface LocalActor {
  account: AccountRow;
  /** The actor URI of the account this one moved to, if it did. */
  movedToUri: string | null;
}

/**
 * The local account with this username (case-insensitively) if others may see it: its user is
 * approved and confirmed. Suspended accounts are returned; callers show them as gone.
 */
export async function findLocalActor(ctx: Context, username: string): Promise<LocalActor | null> {
  const row = await ctx.db.kysely
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .leftJoin("accounts as moved", "moved.id", "accounts.moved_to_account_id")
    .selectAll("accounts")
    .select("moved.uri as moved_to_uri")
    .where("accounts.domain", "is", null)
    .where((eb) => eb(eb.fn("lower", ["accounts.username"]), "=", username.toLowerCase()))
    .where("users.approved", "=", 1)
    .where("users.confirmed_at", "is not", null)
    .executeTakeFirst();
  if (!row) return null;
  const { moved_to_uri, ...account } = row;
  return { account, movedToUri: moved_to_uri ?? null };
}

/**
 * A local account deleted for good (no login left, a suspended tombstone row), by its exact
 * username: its actor is gone (410), but it keeps its keys to sign its own Delete.
 */
export async function findDeletedLocalActor(
  ctx: Context,
  username: string,
): Promise<LocalActor | null> {
  const row = await ctx.db.kysely
    .selectFrom("accounts")
    .leftJoin("users", "users.account_id", "accounts.id")
    .selectAll("accounts")
    .where("accounts.domain", "is", null)
    .where("accounts.username", "=", username)
    .where("accounts.suspended_at", "is not", null)
    .where("users.id", "is", null)
    .executeTakeFirst();
  return row ? { account: row, movedToUri: null } : null;
}

export interface AccountKeys {
  rsaPublicPem: string;
  rsaPrivatePem: string;
  ed25519PublicJwk: JsonWebKey;
  ed25519PrivateJwk: JsonWebKey;
}

/** A fresh RSA pair for HTTP signatures, as PEM (SPKI and PKCS#8). */
export function newRsaPems(): Promise<{ publicKey: string; privateKey: string }> {
  return generateKeyPair("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}

/** A fresh Ed25519 pair for object proofs, as JWK. */
export async function newEd25519Jwks(): Promise<{ publicKey: JsonWebKey; privateKey: JsonWebKey }> {
  const ed = await generateKeyPair("ed25519");
  return {
    publicKey: ed.publicKey.export({ format: "jwk" }),
    privateKey: ed.privateKey.export({ format: "jwk" }),
  };
}

/**
 * The key pairs of a local account, generated and stored the first time they are asked for.
 * Two processes racing to make them both store conditionally and read back the winner's.
 */
export async function localAccountKeys(ctx: Context, accountId: string): Promise<AccountKeys> {
  const { kysely } = ctx.db;
  const read = () =>
    kysely
      .selectFrom("accounts")
      .select(["public_key_pem", "private_key_pem", "ed25519_public_key", "ed25519_private_key"])
      .where("id", "=", accountId)
      .where("domain", "is", null)
      .executeTakeFirstOrThrow();
  let row = await read();
  if (!row.public_key_pem || !row.private_key_pem) {
    const rsa = await newRsaPems();
    await kysely
      .updateTable("accounts")
      .set({ public_key_pem: rsa.publicKey, private_key_pem: rsa.privateKey })
      .where("id", "=", accountId)
      .where((eb) => eb.or([eb("public_key_pem", "is", null), eb("private_key_pem", "is", null)]))
      .execute();
  }
  if (!row.ed25519_public_key || !row.ed25519_private_key) {
    const ed = await newEd25519Jwks();
    await kysely
      .updateTable("accounts")
      .set({
        ed25519_public_key: JSON.stringify(ed.publicKey),
        ed25519_private_key: JSON.stringify(ed.privateKey),
      })
      .where("id", "=", accountId)
      .where("ed25519_public_key", "is", null)
      .execute();
  }
  row = await read();
  return {
    rsaPublicPem: row.public_key_pem!,
    rsaPrivatePem: row.private_key_pem!,
    ed25519PublicJwk: JSON.parse(row.ed25519_public_key!) as JsonWebKey,
    ed25519PrivateJwk: JSON.parse(row.ed25519_private_key!) as JsonWebKey,
  };
}
