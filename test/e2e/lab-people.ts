// People on federation-lab instances (src/lab), driven through the client API as Elk or
// Phanpy would: made with the instance's own `kith` command, finding each other by @handle.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe } from "node:test";
import { createRestAPIClient, type mastodon } from "masto";
import type { LabInstance } from "../../src/lab/lab.ts";
import { runKith } from "../helpers/cli.ts";
import { POSTGRES_ADMIN_URL, POSTGRES_SKIP_REASON } from "../helpers/databases.ts";

export const QUIET = { KITH_LOG_LEVEL: "warning" };

export interface Person {
  client: mastodon.rest.Client;
  /** Their own account id on their own instance */
  id: string;
  /** e.g. amy@a.localhost */
  acct: string;
  /** The bearer token the client uses (for the streaming client) */
  token: string;
}

/** Polls `check` until it returns something truthy; fails with `what` after the deadline. */
export async function eventually<T>(what: string, check: () => Promise<T>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not happen in time (${last ?? ""})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A second local account, made with the instance's own `kith` command. */
export async function addPerson(instance: LabInstance, username: string): Promise<Person> {
  const env = { ...instance.env, ...QUIET };
  const created = await runKith(
    ["accounts", "create", username, "--email", `${username}@${instance.domain}`],
    env,
  );
  assert.equal(created.code, 0, created.stderr);
  const token = await runKith(["accounts", "token", username], env);
  assert.equal(token.code, 0, token.stderr);
  const accessToken = token.stdout.trim().split(/\s+/).at(-1)!;
  return person(instance, accessToken);
}

export async function person(instance: LabInstance, accessToken: string): Promise<Person> {
  const client = createRestAPIClient({ url: instance.url, accessToken });
  const me = await client.v1.accounts.verifyCredentials();
  return { client, id: me.id, acct: `${me.username}@${instance.domain}`, token: accessToken };
}

/** What `viewer` finds for `q` with resolve=true: how every client follows someone elsewhere. */
export async function resolveAccount(viewer: Person, acct: string): Promise<mastodon.v1.Account> {
  const found = await viewer.client.v2.search.list({
    q: `@${acct}`,
    type: "accounts",
    resolve: true,
  });
  const account = found.accounts.find((a) => a.acct === acct);
  assert.ok(account, `${viewer.acct} finds @${acct}: ${JSON.stringify(found.accounts)}`);
  return account;
}

export async function resolveStatus(
  viewer: Person,
  url: string,
): Promise<mastodon.v1.Status | null> {
  const found = await viewer.client.v2.search.list({ q: url, type: "statuses", resolve: true });
  return found.statuses[0] ?? null;
}

export async function homeHas(
  viewer: Person,
  text: string,
): Promise<mastodon.v1.Status | undefined> {
  const home = await viewer.client.v1.timelines.home.list({ limit: 40 });
  return home.find((s) => (s.reblog ?? s).content.includes(text));
}

export async function dropDatabases(prefix: string, names: string[]) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL! });
  await client.connect();
  const base = new URL(prefix).pathname.slice(1);
  for (const n of names) await client.query(`DROP DATABASE IF EXISTS ${base}${n} WITH (FORCE)`);
  await client.end();
}

/**
 * How people on one instance know people on the others: the remote account each viewer's
 * instance resolved (once, then remembered), whether a follow stands, and following by handle.
 */
export function acquaintances() {
  const known = new Map<string, mastodon.v1.Account>();
  const remote = async (viewer: Person, target: Person) => {
    const key = `${viewer.acct}→${target.acct}`;
    if (!known.has(key)) known.set(key, await resolveAccount(viewer, target.acct));
    return known.get(key)!;
  };
  const following = async (viewer: Person, target: Person) => {
    const account = await remote(viewer, target);
    const [r] = await viewer.client.v1.accounts.relationships.fetch({ id: [account.id] });
    return r?.following === true;
  };
  const followAndWait = async (viewer: Person, target: Person) => {
    await viewer.client.v1.accounts.$select((await remote(viewer, target)).id).follow();
    await eventually(`${viewer.acct} following ${target.acct}`, () => following(viewer, target));
  };
  return { remote, following, followAndWait };
}

/**
 * Registers `scenario` once on SQLite and once on PostgreSQL (each instance its own database,
 * named from `slug`), or says why the PostgreSQL run is skipped.
 */
export function onBothDatabases(
  name: string,
  slug: string,
  scenario: (name: string, databaseUrlPrefix: string | null) => void,
): void {
  scenario(`${name} [sqlite]`, null);
  if (POSTGRES_ADMIN_URL) {
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/kith_test_${slug}_${process.pid}_${randomBytes(3).toString("hex")}_`;
    scenario(`${name} [postgres]`, url.toString());
  } else {
    describe(`${name} [postgres]`, { skip: POSTGRES_SKIP_REASON }, () => {});
  }
}
