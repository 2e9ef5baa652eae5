// The local actor that speaks for the server itself rather than for a user: it signs the Flag
// that forwards a report, so that the reporter stays anonymous (Mastodon sends it from its
// instance actor, `Account.representative`).
//
// MERGE POINT: this branch has no instance actor (branch `authfetch` adds one). Until it is
// merged, the server is represented by its oldest active admin (else moderator) account, as
// Mastodon did before it had an instance actor: staff are public and answer for the server,
// and the reporter is never named. Once the instance actor exists, this function must return
// it instead — `username` being its Fedify actor identifier and `uri` its actor id — and
// nothing else needs to change: deliver.ts signs with `sendActivity({identifier: username})`.
import type { Context } from "../../domain/context.ts";
import type { LocalSender } from "./audience.ts";

export async function instanceSender(ctx: Context): Promise<LocalSender | null> {
  const staff = await ctx.db.kysely
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .select(["accounts.id", "accounts.username", "accounts.uri", "users.role"])
    .where("accounts.domain", "is", null)
    .where("accounts.suspended_at", "is", null)
    .where("users.role", "in", ["admin", "moderator"])
    .where("users.disabled", "=", 0)
    // Only an account other servers can fetch (and so verify the signature of).
    .where("users.approved", "=", 1)
    .where("users.confirmed_at", "is not", null)
    .orderBy("accounts.id")
    .execute();
  const chosen = staff.find((s) => s.role === "admin") ?? staff[0];
  return chosen ? { id: chosen.id, username: chosen.username, uri: chosen.uri } : null;
}
