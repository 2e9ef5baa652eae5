// `kith migrate`: applies pending database migrations and reports them.
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { type Command, parse } from "./args.ts";

export const migrateCommand: Command = {
  summary: "Apply pending database migrations.",
  usage:
    "kith migrate\n\nApplies every pending migration to the configured database (DATABASE_URL, or SQLite in\nthe data directory). Each run is atomic: a failure leaves the schema as it was.",
  async run(argv) {
    parse(argv, {});
    const config = loadConfig();
    const db = await openDatabase(config.database);
    try {
      const { applied } = await migrateToLatest(db);
      console.log(
        applied.length === 0 ? "The database is up to date." : `Applied: ${applied.join(", ")}`,
      );
      return 0;
    } finally {
      await db.close();
    }
  },
};
