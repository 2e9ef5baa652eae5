// Finding accounts Kith already knows by handle, username or display name prefix (Mastodon's
// AccountSearchService; resolving unknown handles is search/resolve.ts's): exact handle
// matches first, then accounts the viewer follows, then by popularity. Anyone may search.
import { sql } from "kysely";
import type { Context } from "../context.ts";
import { literalLimit } from "../pagination.ts";
import { notExcludedBy } from "../relationships/exclusions.ts";
import type { Viewer } from "../viewer.ts";
import { type AccountRow, listedAccount } from "./queries.ts";

export interface AccountSearch {
  q: string;
  limit: number;
  offset: number;
  /** only accounts the viewer follows */
  following: boolean;
}

/** Escapes LIKE wildcards (used with `ESCAPE '\\'`). */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function searchAccounts(
  ctx: Context,
  viewer: Viewer | null,
  search: AccountSearch,
): Promise<AccountRow[]> {
  const query = search.q.trim().replace(/^@/, "");
  if (query === "") return [];
  const [username = "", domain] = query.split("@");
  const me = viewer?.accountId ?? null;
  if (search.following && me === null) return [];

  const prefix = `${likeEscape(username.toLowerCase())}%`;
  const localDomain = ctx.config.domain.toLowerCase();
  let q = ctx.db.kysely
    .selectFrom("accounts as a")
    .selectAll("a")
    .where("a.suspended_at", "is", null)
    .where(listedAccount("a"));
  if (me !== null) q = q.where(notExcludedBy(me, "a.id"));
  if (domain !== undefined && domain !== "") {
    const d = domain.toLowerCase();
    q = q.where(sql<boolean>`lower(a.username) LIKE ${prefix} ESCAPE '\\'`);
    q =
      d === localDomain
        ? q.where("a.domain", "is", null)
        : q.where(sql<boolean>`lower(a.domain) LIKE ${`${likeEscape(d)}%`} ESCAPE '\\'`);
  } else {
    const words = `% ${likeEscape(username.toLowerCase())}%`;
    q = q.where(
      sql<boolean>`(lower(a.username) LIKE ${prefix} ESCAPE '\\' OR lower(a.display_name) LIKE ${prefix} ESCAPE '\\' OR lower(a.display_name) LIKE ${words} ESCAPE '\\')`,
    );
  }
  if (search.following && me !== null)
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("follows as sf")
          .select("sf.id")
          .where("sf.account_id", "=", me)
          .whereRef("sf.target_account_id", "=", "a.id"),
      ),
    );
  // An exact handle first, then people the viewer follows, local before remote, popular first.
  const exactDomain =
    domain === undefined || domain === "" || domain.toLowerCase() === localDomain
      ? sql`a.domain IS NULL`
      : sql`lower(a.domain) = ${domain.toLowerCase()}`;
  const exact = sql<number>`CASE WHEN lower(a.username) = ${username.toLowerCase()} AND ${exactDomain} THEN 0 ELSE 1 END`;
  // A limited (silenced) account is found by its followers, or by its exact handle.
  q = q.where((eb) =>
    eb.or([
      eb("a.silenced_at", "is", null),
      eb(exact, "=", 0),
      ...(me === null
        ? []
        : [
            eb("a.id", "=", me),
            eb.exists(
              eb
                .selectFrom("follows as sl")
                .select("sl.id")
                .where("sl.account_id", "=", me)
                .whereRef("sl.target_account_id", "=", "a.id"),
            ),
          ]),
    ]),
  );
  const followed =
    me === null
      ? sql<number>`1`
      : sql<number>`CASE WHEN EXISTS (SELECT 1 FROM follows sfo WHERE sfo.account_id = ${me} AND sfo.target_account_id = a.id) THEN 0 ELSE 1 END`;
  return q
    .orderBy(exact)
    .orderBy(followed)
    .orderBy(sql`CASE WHEN a.domain IS NULL THEN 0 ELSE 1 END`)
    .orderBy("a.followers_count", "desc")
    .orderBy("a.id")
    .limit(literalLimit(search.limit))
    .offset(search.offset)
    .execute();
}
