// What every domain operation needs: the configuration and the database. Passed explicitly so
// tests can build one per database and the CLI, web and worker processes share the code.

import type { Kysely } from "kysely";
import type { Config } from "../config.ts";
import type { Db } from "../db/database.ts";
import type { Database } from "../db/schema.ts";
import type { RemoteLookup } from "./search/resolve.ts";

export interface Context {
  config: Config;
  db: Db;
  /** Fetching what other servers hold, for search (federation provides it; see main.ts). */
  remote?: RemoteLookup;
}

/** Work to finish just before a transaction opened by inTransaction commits. */
const beforeCommitHooks = new WeakMap<Kysely<Database>, (() => Promise<void>)[]>();

/**
 * Runs `work` in one transaction with a Context whose queries, and the domain events emitted
 * through it, join that transaction. Inside a transaction already, joins that one.
 */
export async function inTransaction<T>(
  ctx: Context,
  work: (tctx: Context, trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (ctx.db.kysely.isTransaction) return work(ctx, ctx.db.kysely);
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const hooks: (() => Promise<void>)[] = [];
    beforeCommitHooks.set(trx, hooks);
    const result = await work({ ...ctx, db: { ...ctx.db, kysely: trx } }, trx);
    // A hook may add another (each runs once).
    for (let i = 0; i < hooks.length; i++) await hooks[i]!();
    return result;
  });
}

/**
 * Has `hook` run inside the transaction `ctx` is in, after its work and before the commit; false
 * (and nothing done) when that transaction was not opened by inTransaction.
 */
export function beforeCommit(ctx: Context, hook: () => Promise<void>): boolean {
  const hooks = ctx.db.kysely.isTransaction ? beforeCommitHooks.get(ctx.db.kysely) : undefined;
  if (!hooks) return false;
  hooks.push(hook);
  return true;
}
