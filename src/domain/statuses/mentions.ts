// Turning `@user` and `@user@domain` in a status into accounts: local ones, remote ones this
// server knows, and, as Mastodon does when it processes mentions, remote ones it has never seen,
// looked up at their server (WebFinger, then the actor) through the Context's RemoteLookup.
// Called before the status's transaction, so no lock is held while other servers answer.

import { logger } from "../../logging.ts";
import type { AccountRow } from "../accounts/queries.ts";
import type { Context } from "../context.ts";
import {
  extractMentions,
  type MentionedAccount,
  type MentionResolver,
  mentionKey,
  resolverFromMap,
} from "./text.ts";

/** Looks up every account `text` mentions, in one query, and returns a resolver over them. */
export async function resolveMentions(ctx: Context, text: string): Promise<MentionResolver> {
  const refs = extractMentions(text, ctx.config.domain).slice(0, 100);
  const found = new Map<string, MentionedAccount>();
  if (refs.length === 0) return resolverFromMap(found);
  const rows = await ctx.db.kysely
    .selectFrom("accounts")
    .select(["id", "username", "domain", "url", "uri"])
    .where("suspended_at", "is", null)
    .where((eb) =>
      eb.or(
        refs.map((ref) =>
          eb.and([
            eb(eb.fn("lower", ["username"]), "=", ref.username.toLowerCase()),
            ref.domain === null
              ? eb("domain", "is", null)
              : eb(eb.fn("lower", ["domain"]), "=", ref.domain.toLowerCase()),
          ]),
        ),
      ),
    )
    .execute();
  const add = (row: Pick<AccountRow, "id" | "username" | "domain" | "url" | "uri">) =>
    found.set(mentionKey(row.username, row.domain), {
      id: row.id,
      username: row.username,
      domain: row.domain,
      url: row.url ?? row.uri,
    });
  for (const row of rows) add(row);
  const unknown = refs
    .filter((ref) => ref.domain !== null && !found.has(mentionKey(ref.username, ref.domain)))
    .slice(0, MAX_LOOKUPS);
  const remote = ctx.remote;
  if (remote && unknown.length > 0) {
    const looked = await Promise.allSettled(
      unknown.map((ref) => remote.account(`${ref.username}@${ref.domain}`)),
    );
    looked.forEach((result, i) => {
      if (result.status === "fulfilled" && result.value && !result.value.suspended_at) {
        // Keyed by the handle as written, so the text links it even if the server's
        // canonical domain differs (a split-domain setup).
        const ref = unknown[i]!;
        found.set(mentionKey(ref.username, ref.domain), {
          id: result.value.id,
          username: result.value.username,
          domain: result.value.domain,
          url: result.value.url ?? result.value.uri,
        });
        add(result.value);
      } else if (result.status === "rejected") {
        log.info("Could not resolve the mention {handle}: {error}", {
          handle: `${unknown[i]!.username}@${unknown[i]!.domain}`,
          error: result.reason,
        });
      }
    });
  }
  return resolverFromMap(found);
}

/** Unknown remote handles looked up per status; each lookup is bounded by the loader's limits. */
const MAX_LOOKUPS = 10;
const log = logger("mentions");
