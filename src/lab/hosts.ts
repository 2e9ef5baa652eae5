// Lab host names without root or /etc/hosts. Each lab instance has a handle domain such as
// `a.localhost` (so `@admin@a.localhost` is a real handle, which mentions can carry) and a web
// origin such as `https://a.localhost:4001`. Inside a process that installs the map:
// - the names resolve to 127.0.0.1 (glibc does not resolve `*.localhost`, browsers do);
// - a TLS connection to a name on port 443, which is where WebFinger for a handle goes, is sent
//   to that instance's port instead, keeping the name for SNI and the certificate check.
// The patch sits under every HTTP client (fetch's undici, whatever dispatcher is installed, and
// node:https), which is why it wraps dns.lookup and tls.connect rather than one dispatcher.
import dns from "node:dns";
import { syncBuiltinESMExports } from "node:module";
import tls from "node:tls";

export const LAB_HOSTS_VARIABLE = "KITH_LAB_HOSTS";
const LOOPBACK = "127.0.0.1";

/** Host name → the port its instance listens on. */
export type LabHosts = Map<string, number>;

/** Parses `a.localhost=4001,b.localhost=4002`; throws on anything else. */
export function parseLabHosts(value: string): LabHosts {
  const hosts: LabHosts = new Map();
  for (const entry of value.split(",").map((s) => s.trim())) {
    if (!entry) continue;
    const match = /^([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)=(\d{1,5})$/i.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      throw new Error(
        `${LAB_HOSTS_VARIABLE}: expected NAME=PORT[,NAME=PORT…] (got ${JSON.stringify(entry)})`,
      );
    }
    hosts.set(match[1]!.toLowerCase(), port);
  }
  return hosts;
}

export const formatLabHosts = (hosts: LabHosts): string =>
  [...hosts].map(([name, port]) => `${name}=${port}`).join(",");

const installed: LabHosts = new Map();

/** Makes the names in `hosts` reachable from this process (idempotent, additive). */
export function installLabHosts(hosts: LabHosts): void {
  const first = installed.size === 0;
  for (const [name, port] of hosts) installed.set(name, port);
  if (!first || installed.size === 0) return;

  const mapped = (host: unknown) =>
    typeof host === "string" && installed.has(host.toLowerCase().replace(/\.$/, ""));

  const lookup = dns.lookup;
  const patchedLookup = (hostname: string, ...rest: unknown[]) =>
    (lookup as (...args: unknown[]) => void).call(
      dns,
      mapped(hostname) ? LOOPBACK : hostname,
      ...rest,
    );
  (dns as { lookup: unknown }).lookup = patchedLookup;
  const promisesLookup = dns.promises.lookup;
  (dns.promises as { lookup: unknown }).lookup = (hostname: string, ...rest: unknown[]) =>
    (promisesLookup as (...args: unknown[]) => Promise<unknown>).call(
      dns.promises,
      mapped(hostname) ? LOOPBACK : hostname,
      ...rest,
    );

  const connect = tls.connect;
  (tls as { connect: unknown }).connect = (...args: unknown[]) => {
    const [options] = args;
    if (args.length === 1 || (args.length === 2 && typeof args[1] === "function")) {
      const o = options as tls.ConnectionOptions;
      if (o && typeof o === "object" && mapped(o.host)) {
        const name = o.host!.toLowerCase().replace(/\.$/, "");
        const port = Number(o.port ?? 443);
        const rewritten: tls.ConnectionOptions = {
          ...o,
          host: LOOPBACK,
          port: port === 443 ? installed.get(name)! : port,
          servername: o.servername || name,
        };
        return (connect as (...a: unknown[]) => tls.TLSSocket)(rewritten, ...args.slice(1));
      }
    }
    return (connect as (...a: unknown[]) => tls.TLSSocket)(...args);
  };
  // ESM named imports of node:dns and node:tls see the patched functions too.
  syncBuiltinESMExports();
}

/** The names installed in this process. */
export const installedLabHosts = (): LabHosts => new Map(installed);
