// Turning `@user` and `@user@domain` in a status into accounts. Only accounts this server
// already knows are linked: local ones, and remote ones that have a row (fetching unknown
// remote accounts is federation's job, later).
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
  for (const row of rows) {
    found.set(mentionKey(row.username, row.domain), {
      id: row.id,
      username: row.username,
      domain: row.domain,
      url: row.url ?? row.uri,
    });
  }
  return resolverFromMap(found);
}
