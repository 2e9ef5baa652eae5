// Local statuses as ActivityPub objects: the Note (a Question when it has a poll) at
// /users/{identifier}/statuses/{id} and its Create (or, for a boost, the Announce) at
// …/activity. Public and unlisted statuses are served
// to anyone; a followers-only or direct one only to a signed request whose key belongs to a
// remote account the visibility rule lets see it. Everything else is "not found", so the
// answer never tells whether a status exists.
import type { Federation, RequestContext } from "@fedify/fedify";
import { Activity, Object as APObject } from "@fedify/vocab";
import { isId } from "../db/ids.ts";
import type { Context as KithContext } from "../domain/context.ts";
import type { StatusRow } from "../domain/statuses/queries.ts";
import type { Viewer } from "../domain/viewer.ts";
import { canSee } from "../domain/visibility.ts";
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

/**
 * The remote account that signed the request, as a viewer for the visibility rule (which
 * reads only the account id), or null for an unsigned request or an unknown signer.
 */
async function signedViewer(fctx: RequestContext<KithContext>): Promise<Viewer | null> {
  const owner = await fctx.getSignedKeyOwner();
  if (!owner?.id) return null;
  const account = await fctx.data.db.kysely
    .selectFrom("accounts")
    .select(["id", "username"])
    .where("uri", "=", owner.id.href)
    .where("domain", "is not", null)
    .executeTakeFirst();
  return account
    ? { accountId: account.id, userId: "", username: account.username, role: "user" }
    : null;
}

async function mayFetch(fctx: RequestContext<KithContext>, status: StatusRow): Promise<boolean> {
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
  // Registered as Object: the status is a Note or a Question.
  federation.setObjectDispatcher(
    APObject,
    "/users/{identifier}/statuses/{id}",
    async (fctx, values) => {
      const status = await localStatus(fctx.data, values);
      if (!status || status.reblog_of_id || !(await mayFetch(fctx, status))) return null;
      const [source] = await loadNoteSources(fctx.data, [status]);
      if (!source) return null;
      return toNote(source, actorUris(fctx, values.identifier), fctx.data.config.origin);
    },
  );
  federation.setObjectDispatcher(
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
  );
}
