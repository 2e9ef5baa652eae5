// The viewer's relationship to a set of accounts, loaded for the whole set at once (a fixed
// number of queries): Mastodon's Relationship entity, in domain terms.
import { isId } from "../../db/ids.ts";
import type { Context } from "../context.ts";

export interface Relationship {
  id: string;
  following: boolean;
  showingReblogs: boolean;
  notifying: boolean;
  /** null = every language */
  languages: string[] | null;
  followedBy: boolean;
  blocking: boolean;
  blockedBy: boolean;
  muting: boolean;
  mutingNotifications: boolean;
  mutingExpiresAt: string | null;
  requested: boolean;
  requestedBy: boolean;
  domainBlocking: boolean;
  endorsed: boolean;
  note: string;
}

export function parseLanguages(json: string | null): string[] | null {
  if (json === null) return null;
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : null;
  } catch {
    return null;
  }
}

/** Relationships from `viewerId` to each of `ids`, in the order given (duplicates dropped). */
export async function loadRelationships(
  ctx: Context,
  viewerId: string,
  ids: readonly string[],
): Promise<Relationship[]> {
  const targets = [...new Set(ids.filter(isId))];
  if (targets.length === 0) return [];
  const { kysely } = ctx.db;
  const now = new Date().toISOString();
  // Rows of `table` from the viewer to the targets (with the follow options), and back.
  const outgoingFollows = (table: "follows" | "follow_requests") =>
    kysely
      .selectFrom(table)
      .select(["target_account_id as id", "show_reblogs", "notify", "languages"])
      .where("account_id", "=", viewerId)
      .where("target_account_id", "in", targets)
      .execute();
  const incoming = (table: "follows" | "follow_requests" | "blocks") =>
    kysely
      .selectFrom(table)
      .select("account_id as id")
      .where("target_account_id", "=", viewerId)
      .where("account_id", "in", targets)
      .execute();
  const [
    following,
    followedBy,
    requested,
    requestedBy,
    blocking,
    blockedBy,
    mutes,
    notes,
    domainBlocked,
    endorsed,
  ] = await Promise.all([
    outgoingFollows("follows"),
    incoming("follows"),
    outgoingFollows("follow_requests"),
    incoming("follow_requests"),
    kysely
      .selectFrom("blocks")
      .select("target_account_id as id")
      .where("account_id", "=", viewerId)
      .where("target_account_id", "in", targets)
      .execute(),
    incoming("blocks"),
    kysely
      .selectFrom("mutes")
      .select(["target_account_id as id", "hide_notifications", "expires_at"])
      .where("account_id", "=", viewerId)
      .where("target_account_id", "in", targets)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
      .execute(),
    kysely
      .selectFrom("account_notes")
      .select(["target_account_id as id", "comment"])
      .where("account_id", "=", viewerId)
      .where("target_account_id", "in", targets)
      .execute(),
    // Targets on a server the viewer blocked.
    kysely
      .selectFrom("accounts as a")
      .innerJoin("account_domain_blocks as d", "d.domain", "a.domain")
      .select("a.id")
      .where("d.account_id", "=", viewerId)
      .where("a.id", "in", targets)
      .execute(),
    kysely
      .selectFrom("account_pins")
      .select("target_account_id as id")
      .where("account_id", "=", viewerId)
      .where("target_account_id", "in", targets)
      .execute(),
  ]);
  const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
  const follow = byId(following);
  const request = byId(requested);
  const followers = byId(followedBy);
  const requesters = byId(requestedBy);
  const blocked = byId(blocking);
  const blockers = byId(blockedBy);
  const muted = byId(mutes);
  const note = byId(notes);
  const onBlockedDomain = byId(domainBlocked);
  const pinned = byId(endorsed);
  return targets.map((id) => {
    // As Mastodon: the follow options show through a pending request too.
    const options = follow.get(id) ?? request.get(id);
    const mute = muted.get(id);
    return {
      id,
      following: follow.has(id),
      showingReblogs: options ? options.show_reblogs === 1 : false,
      notifying: options ? options.notify === 1 : false,
      languages: options ? parseLanguages(options.languages) : null,
      followedBy: followers.has(id),
      blocking: blocked.has(id),
      blockedBy: blockers.has(id),
      muting: mute !== undefined,
      mutingNotifications: mute ? mute.hide_notifications === 1 : false,
      mutingExpiresAt: mute?.expires_at ?? null,
      requested: request.has(id),
      requestedBy: requesters.has(id),
      domainBlocking: onBlockedDomain.has(id),
      endorsed: pinned.has(id),
      note: note.get(id)?.comment ?? "",
    };
  });
}

export async function loadRelationship(
  ctx: Context,
  viewerId: string,
  id: string,
): Promise<Relationship> {
  const [relationship] = await loadRelationships(ctx, viewerId, [id]);
  if (!relationship) throw new Error(`no relationship computed for ${id}`);
  return relationship;
}
