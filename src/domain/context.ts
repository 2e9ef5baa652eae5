// What every domain operation needs: the configuration and the database. Passed explicitly so
// tests can build one per database and the CLI, web and worker processes share the code.
import type { Config } from "../config.ts";
import type { Db } from "../db/database.ts";
import type { RemoteLookup } from "./search/resolve.ts";

export interface Context {
  config: Config;
  db: Db;
  /** Fetching what other servers hold, for search (federation provides it; see main.ts). */
  remote?: RemoteLookup;
}
