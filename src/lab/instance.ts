// One lab instance before it runs: its names, its environment, and its data (database migrated,
// an admin account and a bearer token for it). State that must survive between runs (the
// origin it was made for, the admin's password and token) is kept in DATA_DIR/lab.json.
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { createLocalAccount } from "../domain/accounts/admin.ts";
import type { Context } from "../domain/context.ts";
import { createPersonalToken } from "../domain/oauth/personal-tokens.ts";
import { findToken } from "../domain/oauth/tokens.ts";
import { formatLabHosts, LAB_HOSTS_VARIABLE, type LabHosts } from "./hosts.ts";

/** A lab problem worth one line to the person running it (a port in use, a changed origin). */
export class LabError extends Error {
  override name = "LabError";
}

export const INSTANCE_NAMES = ["a", "b", "c", "d", "e"] as const;
// "admin" is a reserved username in Kith (as in Mastodon), so each lab admin has a name.
const ADMIN_NAMES = ["alice", "bob", "carol", "dave", "erin"] as const;
const TOKEN_SCOPES = ["read", "write", "follow", "push", "admin:read", "admin:write"];
const HOOK = pathToFileURL(join(import.meta.dirname, "hosts-hook.ts")).href;

export interface InstancePlan {
  name: string;
  /** Handle domain, e.g. a.localhost */
  domain: string;
  port: number;
  /** Web origin: https://a.localhost:4001, or https://a.localhost when port-less */
  origin: string;
  username: string;
  dataDir: string;
  databaseUrl: string | null;
}

export function planInstance(
  index: number,
  port: number,
  labDir: string,
  databaseUrlPrefix: string | null,
  portless = false,
): InstancePlan {
  const name = INSTANCE_NAMES[index]!;
  const domain = `${name}.localhost`;
  return {
    name,
    domain,
    port,
    // Port-less origins are reached on port 443, which only the lab's host map knows.
    origin: portless ? `https://${domain}` : `https://${domain}:${port}`,
    username: ADMIN_NAMES[index]!,
    dataDir: join(labDir, name),
    databaseUrl: databaseUrlPrefix ? `${databaseUrlPrefix}${name}` : null,
  };
}

export interface LabFiles {
  caCertPath: string;
  certPath: string;
  keyPath: string;
  hosts: LabHosts;
}

/** The whole environment of a process of this instance (`kith serve`, `web`, `worker`…). */
export function instanceEnv(
  plan: InstancePlan,
  files: LabFiles,
  extra: Record<string, string>,
): Record<string, string> {
  const inherited = Object.fromEntries(
    ["PATH", "HOME", "TMPDIR", "LANG", "TZ", "SYSTEMROOT"]
      .map((k) => [k, process.env[k]])
      .filter((e): e is [string, string] => e[1] !== undefined),
  );
  return {
    ...inherited,
    // Trust the lab CA (read once at process start) and resolve the lab names.
    NODE_EXTRA_CA_CERTS: files.caCertPath,
    NODE_OPTIONS: `--import=${HOOK}`,
    [LAB_HOSTS_VARIABLE]: formatLabHosts(files.hosts),
    KITH_DEV_MODE: "true",
    KITH_DATA_DIR: plan.dataDir,
    KITH_DOMAIN: plan.domain,
    KITH_ORIGIN: plan.origin,
    HOST: "127.0.0.1",
    PORT: String(plan.port),
    KITH_TLS_CERT: files.certPath,
    KITH_TLS_KEY: files.keyPath,
    KITH_TITLE: `Kith lab ${plan.name.toUpperCase()}`,
    KITH_LOG_LEVEL: process.env.KITH_LOG_LEVEL ?? "info",
    // One person drives every instance from one address: limits would only get in the way.
    KITH_RATE_LIMIT_API: "1000000",
    KITH_RATE_LIMIT_SIGN_UPS: "1000000",
    KITH_RATE_LIMIT_SIGN_INS: "1000000",
    ...(plan.databaseUrl ? { DATABASE_URL: plan.databaseUrl } : {}),
    ...extra,
  };
}

interface LabState {
  origin: string;
  username: string;
  password: string;
  adminToken: string;
}

export interface PreparedInstance {
  username: string;
  password: string;
  adminToken: string;
}

/** Migrates the database, creates the admin once and makes sure its token still works. */
export async function prepareInstance(
  plan: InstancePlan,
  env: Record<string, string>,
): Promise<PreparedInstance> {
  const stateFile = join(plan.dataDir, "lab.json");
  const previous = readState(stateFile);
  if (previous && previous.origin !== plan.origin) {
    const port = new URL(previous.origin).port;
    throw new LabError(
      `${plan.dataDir} was set up as ${previous.origin}, not ${plan.origin}: run ` +
        `${port ? `with --base-port ${port}` : "with --portless"} or use another --dir`,
    );
  }
  const config = loadConfig(env);
  if (plan.databaseUrl) await ensurePostgresDatabase(plan.databaseUrl);
  const db = await openDatabase(config.database);
  const ctx: Context = { config, db };
  try {
    await migrateToLatest(db);
    const account = await ctx.db.kysely
      .selectFrom("accounts")
      .select("id")
      .where("username", "=", plan.username)
      .where("domain", "is", null)
      .executeTakeFirst();
    let accountId = account?.id;
    let password = previous?.password ?? "";
    if (!accountId) {
      const created = await createLocalAccount(ctx, {
        username: plan.username,
        email: `${plan.username}@${plan.domain}`,
        role: "admin",
      });
      accountId = created.accountId;
      password = created.generatedPassword ?? "";
    }
    let adminToken = previous?.adminToken ?? "";
    const grant = adminToken ? await findToken(ctx, adminToken) : null;
    if (grant?.accountId !== accountId) {
      const { token } = await createPersonalToken(ctx, accountId, {
        name: "Kith lab",
        scopes: TOKEN_SCOPES,
      });
      adminToken = token.accessToken;
    }
    writeState(stateFile, { origin: plan.origin, username: plan.username, password, adminToken });
    return { username: plan.username, password, adminToken };
  } finally {
    await db.close();
  }
}

function readState(file: string): LabState | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LabState;
  } catch {
    return null;
  }
}

function writeState(file: string, state: LabState): void {
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Each instance gets its own database on the server the prefix names; made when missing. */
async function ensurePostgresDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new LabError(
      `--database-url-prefix: ${JSON.stringify(name)} is not a simple database name`,
    );
  }
  const maintenance = new URL(url);
  maintenance.pathname = "/postgres";
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: maintenance.toString() });
  try {
    await client.connect();
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    throw new LabError(`cannot create PostgreSQL database ${name}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}
