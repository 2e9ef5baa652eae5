// Opens the configured database (migrated) for a one-shot command and closes it afterwards.
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import type { Context } from "../domain/context.ts";

export async function withContext<T>(work: (ctx: Context) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config.database);
  try {
    await migrateToLatest(db);
    return await work({ config, db });
  } finally {
    await db.close();
  }
}
