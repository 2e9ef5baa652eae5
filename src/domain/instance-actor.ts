// The instance actor's keys: the server itself signs its fetches of remote documents with
// them, so that servers in authorized-fetch mode answer. It is no account (no row in
// `accounts`), so no count, directory or search ever shows it; its keys live in `settings`,
// made the first time they are needed.
import { type AccountKeys, newEd25519Jwks, newRsaPems } from "./accounts/local-actors.ts";
import type { Context } from "./context.ts";

const SETTING = "instance_actor_keys";

async function read(ctx: Context): Promise<AccountKeys | null> {
  const row = await ctx.db.kysely
    .selectFrom("settings")
    .select("value")
    .where("key", "=", SETTING)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as AccountKeys) : null;
}

/** The instance actor's key pairs; two processes racing to make them both get the winner's. */
export async function instanceActorKeys(ctx: Context): Promise<AccountKeys> {
  const stored = await read(ctx);
  if (stored) return stored;
  const [rsa, ed] = await Promise.all([newRsaPems(), newEd25519Jwks()]);
  const keys: AccountKeys = {
    rsaPublicPem: rsa.publicKey,
    rsaPrivatePem: rsa.privateKey,
    ed25519PublicJwk: ed.publicKey,
    ed25519PrivateJwk: ed.privateKey,
  };
  await ctx.db.kysely
    .insertInto("settings")
    .values({ key: SETTING, value: JSON.stringify(keys) })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  return (await read(ctx))!;
}
