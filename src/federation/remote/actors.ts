// Remote actors as accounts: fetched the first time they are needed, refetched when a day old
// (or when asked, e.g. after an Update), and only ever from their own origin.
import { isActor } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import {
  findAccountByUri,
  isStale,
  setMovedTo,
  upsertRemoteAccount,
} from "../../domain/accounts/remote.ts";
import { DomainError } from "../../domain/errors.ts";
import { logger } from "../../logging.ts";
import { localUsername } from "../convert/addressing.ts";
import { readActor } from "../convert/incoming.ts";
import { fetchObject, Refusal, type RemoteEnv } from "./documents.ts";
import { RemoteError } from "./loader.ts";

const log = logger("federation", "remote");

export interface ResolveActorOptions {
  /** Refetch even when the stored copy is fresh (Update of the actor). */
  refresh?: boolean;
  /** Follow `movedTo` to record the move (not when resolving the target of a move). */
  followMove?: boolean;
}

/**
 * The account for an actor URI: local accounts by their URI, remote ones from the database,
 * fetched when unknown or stale. A stale copy is kept when its server does not answer.
 * Throws Refusal (not an actor, wrong origin) or RemoteError (could not fetch).
 */
export async function resolveActor(
  env: RemoteEnv,
  uri: string,
  options: ResolveActorOptions = {},
): Promise<AccountRow> {
  const { kith } = env;
  const known = await findAccountByUri(kith, uri);
  if (known?.domain === null) return known;
  if (localUsername(uri, kith.config.origin) !== null || new URL(uri).origin === kith.config.origin)
    throw new Refusal(`${uri}: no such local account`);
  if (known && !options.refresh && !isStale(known)) return known;
  try {
    return await fetchActor(env, uri, options, known);
  } catch (error) {
    if (known && error instanceof RemoteError && error.status !== 410) {
      log.debug("Keeping the stale copy of {uri}: {error}", { uri, error: error.message });
      return known;
    }
    throw error;
  }
}

async function fetchActor(
  env: RemoteEnv,
  uri: string,
  options: ResolveActorOptions,
  known: AccountRow | null,
): Promise<AccountRow> {
  const { object, json } = await fetchObject(env, uri);
  if (!isActor(object)) throw new Refusal(`${uri}: not an actor`);
  if (object.id?.href !== uri) throw new Refusal(`${uri}: the actor's id is ${object.id?.href}`);
  const input = await readActor(object, json, env);
  if (typeof input === "string") throw new Refusal(`${uri}: ${input}`);
  // A domain WebFinger once confirmed stays while the username does (a server that does not
  // answer WebFinger today must not change the handle); the host is asked about again.
  const sameName = known?.username.toLowerCase() === input.username.toLowerCase();
  const confirmed = sameName && known?.domain !== input.domain ? known?.domain : null;
  input.domain = confirmed ?? (await handleDomain(env, uri, input.username));
  let account: AccountRow;
  try {
    account = await upsertRemoteAccount(env.kith, input);
  } catch (error) {
    if (error instanceof DomainError && (error.kind === "conflict" || error.kind === "forbidden"))
      throw new Refusal(`${uri}: ${error.message}`);
    throw error;
  }
  const movedTo = object.successorId?.href;
  if (movedTo && options.followMove !== false && movedTo !== uri) {
    await recordMove(env, account, movedTo);
  }
  return account;
}

/**
 * The domain of the actor's handle, as Mastodon finds it: WebFinger for
 * preferredUsername@host, whose subject may name another domain (a split domain, or a web
 * server on a port) when that domain's own WebFinger names the same actor (webfinger.ts checks
 * this). Without a confirmed answer, the actor's host.
 */
async function handleDomain(env: RemoteEnv, uri: string, username: string): Promise<string> {
  const host = new URL(uri).host;
  if (!env.webFinger) return host;
  try {
    const found = await env.webFinger(`${username}@${host}`);
    if (found.actor === uri && found.user.toLowerCase() === username.toLowerCase())
      return found.host;
    log.debug("WebFinger for {username}@{host} names {actor}; keeping the host", {
      username,
      host,
      actor: found.actor,
    });
  } catch (error) {
    log.debug("No WebFinger for {username}@{host}: {error}", {
      username,
      host,
      error: (error as Error).message,
    });
  }
  return host;
}

/**
 * The actor says it moved (movedTo). Recorded only when the new account confirms the alias,
 * as for a Move activity; following the move is the Move activity's job.
 */
async function recordMove(env: RemoteEnv, account: AccountRow, targetUri: string) {
  try {
    const target = await resolveActor(env, targetUri, { followMove: false });
    if (aliasesOf(target).includes(account.uri)) await setMovedTo(env.kith, account.id, target.id);
  } catch (error) {
    log.debug("Could not confirm the move of {uri}: {error}", {
      uri: account.uri,
      error: (error as Error).message,
    });
  }
}

export function aliasesOf(account: AccountRow): string[] {
  try {
    const list = JSON.parse(account.also_known_as) as unknown;
    return Array.isArray(list) ? list.filter((u): u is string => typeof u === "string") : [];
  } catch {
    return [];
  }
}
