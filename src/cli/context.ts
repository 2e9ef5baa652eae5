// Opens the configured database (migrated) for a one-shot command and closes it afterwards.
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { type Context, inTransaction } from "../domain/context.ts";
import { type AuditEntry, recordAudit } from "../domain/moderation/audit.ts";

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

/**
 * An operator's action from the shell, written to the audit log (as done by "operator") in the
 * same transaction as the action, unless `entry` says nothing was done.
 */
export function withOperatorAction<T>(
  work: (ctx: Context) => Promise<T>,
  entry: (result: T) => Omit<AuditEntry, "accountId"> | null,
): Promise<T> {
  return withContext((ctx) =>
    inTransaction(ctx, async (tctx) => {
      const result = await work(tctx);
      const done = entry(result); // null: nothing was done, so there is nothing to record
      if (done) await recordAudit(tctx, { accountId: null, ...done });
      return result;
    }),
  );
}
