// Local statuses as ActivityPub objects: the Note (a Question when it has a poll) at
// /users/{identifier}/statuses/{id} and its Create (or, for a boost, the Announce) at
// …/activity. Public and unlisted statuses are served
// to anyone; a followers-only or direct one only to a signed request whose key belongs to a
// remote account the visibility rule lets see it. Everything else is "not found", so the
// answer never tells whether a status exists. In authorized-fetch mode every one needs a
// signature, and an account blocked by the author (or blocking it) finds nothing.
import type { Federation, RequestContext } from "@fedify/fedify";
import { Activity, Object as APObject } from "@fedify/vocab";
import { isId } from "../db/ids.ts";
import type { Context as KithContext } from "../domain/context.ts";
import type { StatusRow } from "../domain/statuses/queries.ts";
import { canSee } from "../domain/visibility.ts";
import { blockedFetcher, fetchAuthorized, signedViewer } from "./authorized-fetch.ts";
import { announceActivity, createActivity, toNote } from "./convert/outgoing.ts";
import { loadNoteSources, rebloggedObjects } from "./outbox/status-data.ts";

type Values = { identifier: string; id: string };

/** The local status `id` written by the account whose username is `identifier`. */
async function localStatus(kith: KithContext, values: Values): Promise<StatusRow | null> {
  if (!isId(values.id)) return null;
  const row = await kith.db.kysely
    .selectFrom("statuses")
    .innerJoin("accounts", "accounts.id", "statuses.account_id")
    .selectAll("statuses")
    .where("statuses.id", "=", values.id)
    .where("statuses.local", "=", 1)
    .where("accounts.domain", "is", null)
    .where("accounts.username", "=", values.identifier)
    .executeTakeFirst();
  return row ?? null;
}

async function mayFetch(fctx: RequestContext<KithContext>, status: StatusRow): Promise<boolean> {
  if (await blockedFetcher(fctx, status.account_id)) return false;
  if (await canSee(fctx.data, null, status)) return true;
  if (status.visibility === "public" || status.visibility === "unlisted") return false;
  const viewer = await signedViewer(fctx);
  return viewer !== null && (await canSee(fctx.data, viewer, status));
}

const actorUris = (fctx: RequestContext<KithContext>, identifier: string) => ({
  id: fctx.getActorUri(identifier),
  followers: fctx.getFollowersUri(identifier),
});

export function registerStatusObjects(federation: Federation<KithContext>): void {
  // Blocked signers were already turned away by mayFetch (not found); what is left is the
  // signature itself.
  const authorize = (fctx: RequestContext<KithContext>) => fetchAuthorized(fctx, null);
  // Registered as Object: the status is a Note or a Question.
  federation
    .setObjectDispatcher(APObject, "/users/{identifier}/statuses/{id}", async (fctx, values) => {
      const status = await localStatus(fctx.data, values);
      if (!status || status.reblog_of_id || !(await mayFetch(fctx, status))) return null;
      const [source] = await loadNoteSources(fctx.data, [status]);
      if (!source) return null;
      return toNote(source, actorUris(fctx, values.identifier), fctx.data.config.origin);
    })
    .authorize(authorize);
  federation
    .setObjectDispatcher(
      Activity,
      "/users/{identifier}/statuses/{id}/activity",
      async (fctx, values) => {
        const status = await localStatus(fctx.data, values);
        if (!status || !(await mayFetch(fctx, status))) return null;
        const actor = actorUris(fctx, values.identifier);
        if (status.reblog_of_id) {
          const original = (await rebloggedObjects(fctx.data, [status])).get(status.reblog_of_id);
          return original ? announceActivity(status, actor, original) : null;
        }
        const [source] = await loadNoteSources(fctx.data, [status]);
        if (!source) return null;
        return createActivity(toNote(source, actor, fctx.data.config.origin), source, actor);
      },
    )
    .authorize(authorize);
}
