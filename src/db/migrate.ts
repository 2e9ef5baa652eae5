// Applies migrations. A run happens inside one transaction on both dialects (both have
// transactional DDL), and Kysely holds a lock while migrating, so two processes starting at
// once cannot interleave and a failure never leaves a half-migrated schema.
import { type Migration, Migrator } from "kysely/migration";
import type { Db } from "./database.ts";
import { migrations } from "./migrations/index.ts";

export interface MigrationReport {
  applied: string[];
}

export async function migrateToLatest(
  db: Db,
  set: Record<string, Migration> = migrations,
): Promise<MigrationReport> {
  const migrator = new Migrator({ db: db.kysely, provider: { getMigrations: async () => set } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? "unknown error");
    throw new Error(`migration ${failed?.migrationName ?? "(setup)"} failed: ${reason}`);
  }
  return { applied: (results ?? []).map((r) => r.migrationName) };
}

export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => migrations },
  });
  const all = await migrator.getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
