// The local federation lab: two to five Kith instances on this machine that federate over HTTPS
// under real @handles (`@alice@a.localhost`), through a lab CA. See docs/federation-lab.md.
//
//   const lab = await startLab({ dir, basePort: 0 });
//   trustLab(lab); // this process now trusts the CA and resolves *.localhost lab names
//   await fetch(`${lab.instances[0].url}/api/v1/accounts/verify_credentials`, …);
//   await lab.stop();
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import { ensureServerCertificate, loadOrCreateCa } from "./certificates.ts";
import { installLabHosts, type LabHosts } from "./hosts.ts";
import {
  type InstancePlan,
  instanceEnv,
  LabError,
  type PreparedInstance,
  planInstance,
  prepareInstance,
} from "./instance.ts";
import {
  checkPortFree,
  freePort,
  type Supervised,
  spawnInstance,
  stopInstance,
  waitUntilHealthy,
} from "./supervise.ts";

export { LabError } from "./instance.ts";

export const DEFAULT_LAB_DIR = "./data/lab";
export const DEFAULT_BASE_PORT = 4001;

export interface LabOptions {
  /** 2 to 5 (default 2). */
  instances?: number;
  /** Where the CA, certificates and each instance's data live (default ./data/lab), reused. */
  dir?: string;
  /** Instance i listens on basePort + i. 0 picks free ports. Default: the ports the lab
   * directory was set up with, else 4001. */
  basePort?: number;
  /** Web origins without the port (https://a.localhost, reached through the host map), so
   * that the handle domain and the web host are the same. Browsers cannot open them. */
  portless?: boolean;
  /** e.g. postgres://postgres@127.0.0.1:5432/kith_lab_ — instance `a` gets database kith_lab_a. */
  databaseUrlPrefix?: string | null;
  /** Extra environment for every instance (e.g. KITH_LOG_LEVEL, KITH_AUTHORIZED_FETCH). */
  env?: Record<string, string>;
  /** `serve` (web and worker in one process, the default) or `web` to run workers yourself. */
  command?: "serve" | "web";
  /** Each line an instance prints; by default output is only kept (see LabInstance.output). */
  onOutput?: (instance: string, line: string) => void;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Aborting it while instances start stops them and rejects with a LabError. */
  signal?: AbortSignal;
}

export interface LabInstance {
  name: string;
  /** Handle domain, e.g. a.localhost */
  domain: string;
  /** Public origin, e.g. https://a.localhost:4001 (resolve *.localhost with trustLab) */
  url: string;
  /** The same server by address, e.g. https://127.0.0.1:4001 (the certificate covers it) */
  localUrl: string;
  port: number;
  username: string;
  /** e.g. @alice@a.localhost */
  handle: string;
  password: string;
  adminToken: string;
  dataDir: string;
  /** The environment to start more processes of this instance with (e.g. `kith worker`). */
  env: Record<string, string>;
  pid: number;
  output(): string;
}

export interface Lab {
  dir: string;
  /** PEM of the lab CA, and its path */
  caCert: string;
  caCertPath: string;
  hosts: LabHosts;
  instances: LabInstance[];
  /** Resolves when an instance exits on its own, with its name and exit code. */
  unexpectedExit: Promise<{ name: string; code: number | string }>;
  /** Stops every instance (SIGTERM, then SIGKILL after the grace period). Idempotent. */
  stop(): Promise<void>;
}

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const count = options.instances ?? 2;
  if (!Number.isInteger(count) || count < 2 || count > 5) {
    throw new LabError(`--instances: must be between 2 and 5 (got ${count})`);
  }
  const dir = resolve(options.dir ?? DEFAULT_LAB_DIR);
  const ca = await loadOrCreateCa(dir);

  const plans: InstancePlan[] = [];
  for (let i = 0; i < count; i++) {
    const stored = planInstance(i, 0, dir, null).dataDir;
    let port =
      options.basePort === 0
        ? await freePort()
        : options.basePort !== undefined
          ? options.basePort + i
          : (storedPort(stored) ?? DEFAULT_BASE_PORT + i);
    while (options.basePort === 0 && plans.some((p) => p.port === port)) port = await freePort();
    if (port < 1 || port > 65535) throw new LabError(`--base-port: port ${port} is out of range`);
    plans.push(
      planInstance(i, port, dir, options.databaseUrlPrefix ?? null, options.portless === true),
    );
  }
  const hosts: LabHosts = new Map(plans.map((p) => [p.domain, p.port]));

  const prepared: (PreparedInstance & { plan: InstancePlan; env: Record<string, string> })[] = [];
  for (const plan of plans) {
    const { certPath, keyPath } = await ensureServerCertificate(ca, plan.dataDir, [plan.domain]);
    const env = instanceEnv(
      plan,
      { caCertPath: ca.certPath, certPath, keyPath, hosts },
      options.env ?? {},
    );
    prepared.push({ plan, env, ...(await prepareInstance(plan, env)) });
  }
  for (const { plan } of prepared) await checkPortFree(plan.port);

  const running: Supervised[] = [];
  let stopping: Promise<void> | undefined;
  const killOnExit = () => {
    for (const r of running) if (r.child.exitCode === null) r.child.kill("SIGTERM");
  };
  process.once("exit", killOnExit);
  const stop = () => {
    stopping ??= (async () => {
      const grace = options.stopTimeoutMs ?? 15_000;
      await Promise.all(running.map((r) => stopInstance(r, grace)));
      process.off("exit", killOnExit);
    })();
    return stopping;
  };

  try {
    for (const { plan, env } of prepared) {
      const onLine = options.onOutput;
      running.push(
        spawnInstance([options.command ?? "serve"], env, onLine && ((l) => onLine(plan.name, l))),
      );
    }
    await Promise.all(
      prepared.map(({ plan }, i) =>
        waitUntilHealthy(
          running[i]!,
          plan.port,
          plan.domain,
          ca.cert,
          options.startTimeoutMs ?? 60_000,
          options.signal,
        ),
      ),
    );
  } catch (error) {
    await stop();
    throw error;
  }

  const instances = prepared.map(({ plan, env, username, password, adminToken }, i) => ({
    name: plan.name,
    domain: plan.domain,
    url: plan.origin,
    localUrl: `https://127.0.0.1:${plan.port}`,
    port: plan.port,
    username,
    handle: `@${username}@${plan.domain}`,
    password,
    adminToken,
    dataDir: plan.dataDir,
    env,
    pid: running[i]!.child.pid!,
    output: running[i]!.output,
  }));
  const unexpectedExit = Promise.race(
    running.map((r, i) => r.exited.then((code) => ({ name: prepared[i]!.plan.name, code }))),
  ).then(async (exit) => {
    // Wait for a stop already under way, so that only exits on their own are reported.
    if (stopping) await new Promise(() => {});
    return exit;
  });
  return { dir, caCert: ca.cert, caCertPath: ca.certPath, hosts, instances, unexpectedExit, stop };
}

/** Makes this process trust the lab CA and reach the lab's host names (tests, scripts). */
export function trustLab(lab: Pick<Lab, "caCert" | "hosts">): void {
  installLabHosts(lab.hosts);
  const current = getCACertificates("default");
  if (!current.includes(lab.caCert)) setDefaultCACertificates([...current, lab.caCert]);
}

/** The port a lab instance directory was set up with, if any. */
function storedPort(dataDir: string): number | null {
  try {
    const { origin } = JSON.parse(readFileSync(`${dataDir}/lab.json`, "utf8")) as {
      origin: string;
    };
    return Number(new URL(origin).port) || null;
  } catch {
    return null;
  }
}
