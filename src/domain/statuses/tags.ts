// Hashtags: one row per name, matched case-insensitively (the unique index is on lower(name)),
// kept as first written.
import { newId } from "../../db/ids.ts";
import type { Context } from "../context.ts";

/** The IDs of the tags with these names, creating the missing ones. */
export async function ensureTags(ctx: Context, names: readonly string[]): Promise<string[]> {
  const { kysely } = ctx.db;
  const wanted = new Map<string, string>();
  for (const name of names) {
    const key = name.toLowerCase();
    if (!wanted.has(key)) wanted.set(key, name);
  }
  if (wanted.size === 0) return [];
  const find = async () =>
    new Map(
      (
        await kysely
          .selectFrom("tags")
          .select(["id", "name"])
          .where((eb) => eb(eb.fn("lower", ["name"]), "in", [...wanted.keys()]))
          .execute()
      ).map((t) => [t.name.toLowerCase(), t.id]),
    );
  const found = await find();
  const missing = [...wanted].filter(([key]) => !found.has(key));
  if (missing.length > 0) {
    const now = new Date().toISOString();
    for (const [, name] of missing) {
      // Another request may create the same tag meanwhile: the unique index keeps one.
      await kysely
        .insertInto("tags")
        .values({ id: newId(), name, created_at: now })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    for (const [key, id] of await find()) found.set(key, id);
  }
  return [...wanted.keys()].flatMap((key) => found.get(key) ?? []);
}

/** Links a status to the tags with these names (creating missing tags). */
export async function linkStatusTags(ctx: Context, statusId: string, names: readonly string[]) {
  const tagIds = await ensureTags(ctx, names);
  if (tagIds.length === 0) return;
  await ctx.db.kysely
    .insertInto("status_tags")
    .values(tagIds.map((tag_id) => ({ status_id: statusId, tag_id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Tag IDs for lookups by name (timelines); unknown names are left out. */
export async function findTagIds(ctx: Context, names: readonly string[]): Promise<string[]> {
  // No tag has a NUL (PostgreSQL would refuse the query), so such a name matches nothing.
  const keys = [...new Set(names.map((n) => n.toLowerCase()))].filter(
    (n) => n !== "" && !n.includes("\u0000"),
  );
  if (keys.length === 0) return [];
  const rows = await ctx.db.kysely
    .selectFrom("tags")
    .select("id")
    .where((eb) => eb(eb.fn("lower", ["name"]), "in", keys))
    .execute();
  return rows.map((r) => r.id);
}
