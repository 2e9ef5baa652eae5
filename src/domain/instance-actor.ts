// The instance actor's keys: the server itself signs its fetches of remote documents with
// them, so that servers in authorized-fetch mode answer. It is no account (no row in
// `accounts`), so no count, directory or search ever shows it; its keys live in `settings`,
// made the first time they are needed.
import { type AccountKeys, newEd25519Jwks, newRsaPems } from "./accounts/local-actors.ts";
import type { Context } from "./context.ts";
import { storedOnce } from "./stored-once.ts";

const SETTING = "instance_actor_keys";

/** The instance actor's key pairs, made the first time they are asked for. */
export function instanceActorKeys(ctx: Context): Promise<AccountKeys> {
  return storedOnce(ctx, SETTING, async () => {
    const [rsa, ed] = await Promise.all([newRsaPems(), newEd25519Jwks()]);
    return {
      rsaPublicPem: rsa.publicKey,
      rsaPrivatePem: rsa.privateKey,
      ed25519PublicJwk: ed.publicKey,
      ed25519PrivateJwk: ed.privateKey,
    };
  });
}
