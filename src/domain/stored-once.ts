// A value made once for the whole server and kept in `settings` (key pairs that other servers
// and push services tie to this one, so they must never change). Two processes racing to make
// it both get the winner's. Once read, a value is kept in memory: it never changes.
import type { Context } from "./context.ts";

const remembered = new WeakMap<object, Map<string, unknown>>();

async function read<T>(ctx: Context, key: string): Promise<T | null> {
  const row = await ctx.db.kysely
    .selectFrom("settings")
    .select("value")
    .where("key", "=", key)
    .executeTakeFirst();
  return row ? (JSON.parse(row.value) as T) : null;
}

export async function storedOnce<T>(ctx: Context, key: string, make: () => Promise<T>): Promise<T> {
  let values = remembered.get(ctx.db);
  if (!values) remembered.set(ctx.db, (values = new Map()));
  if (values.has(key)) return values.get(key) as T;
  let value = await read<T>(ctx, key);
  if (!value) {
    await ctx.db.kysely
      .insertInto("settings")
      .values({ key, value: JSON.stringify(await make()) })
      .onConflict((oc) => oc.column("key").doNothing())
      .execute();
    value = (await read<T>(ctx, key))!;
  }
  values.set(key, value);
  return value;
}
