// Row counts of some tables, to prove that a refused request wrote nothing.
import type { Db } from "../../src/db/database.ts";
import type { Database } from "../../src/db/schema.ts";

export async function rowCounts(
  db: Db,
  tables: readonly (keyof Database)[],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) {
    const row = await db.kysely
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}
