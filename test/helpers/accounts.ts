// Inserting bare remote account rows, for tests that need "someone on another server" without
// fetching an actor. Nullable columns are left out: Kysely makes them optional on insert.
import type { Db } from "../../src/db/database.ts";
import { newId } from "../../src/db/ids.ts";

export async function insertRemoteAccount(
  db: Db,
  account: {
    username: string;
    domain: string;
    id?: string;
    uri?: string;
    /** Where deliveries go; without one, nothing is ever sent to the account. */
    inbox?: string;
    sharedInbox?: string | null;
  },
): Promise<string> {
  const now = new Date().toISOString();
  const id = account.id ?? newId();
  await db.kysely
    .insertInto("accounts")
    .values({
      id,
      username: account.username,
      domain: account.domain,
      uri: account.uri ?? `https://${account.domain}/users/${account.username}`,
      ...(account.inbox ? { inbox_url: account.inbox } : {}),
      ...(account.sharedInbox ? { shared_inbox_url: account.sharedInbox } : {}),
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}
