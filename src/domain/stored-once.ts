// A value made once for the whole server and kept in `settings` (key pairs that other servers
// and push services tie to this one, so they must never change). Two processes racing to make
// it both get the winner's.
import type { Context } from "./context.ts";

async function read<T>(ctx: Context, key: string): Promise<T | null> {
  const row = await ctx.db.kysely
    .selectFrom("settings")
    .select("value")
    .where("key", "=", key)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as T) : null;
}

export async function storedOnce<T>(ctx: Context, key: string, make: () => Promise<T>): Promise<T> {
  const stored = await read<T>(ctx, key);
  if (stored) return stored;
  await ctx.db.kysely
    .insertInto("settings")
    .values({ key, value: JSON.stringify(await make()) })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  return (await read<T>(ctx, key))!;
}
