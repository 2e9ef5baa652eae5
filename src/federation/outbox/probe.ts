// Asking unavailable hosts whether they are back: nothing is delivered to them any more, so
// without this only an activity they send would bring them back (Mastodon's behaviour). A
// periodic job GETs each one's NodeInfo discovery document, bounded as every remote fetch
// (remote/loader.ts); any answer but a server error (or 408/429) means the server is up, and
// the host is available again. The loader (and Fedify) is imported only when there is a host
// to probe.
import type { Context } from "../../domain/context.ts";
import { logger } from "../../logging.ts";
import { KITH_VERSION } from "../../version.ts";
import { recordHostsAnswered, unavailableOrigins } from "./availability.ts";

export const PROBE_QUEUE = "federation-probe";

const log = logger("federation", "availability");

/** Probes every unavailable host once; returns the hosts found up again. */
export async function probeUnavailableHosts(ctx: Context): Promise<string[]> {
  const hosts = await unavailableOrigins(ctx);
  if (hosts.length === 0) return [];
  const { createBoundedGet, RemoteError } = await import("../remote/loader.ts");
  const get = createBoundedGet({
    devMode: ctx.config.devMode,
    userAgent: `Kith/${KITH_VERSION} (+${ctx.config.origin})`,
    maxBytes: 64 * 1024,
  });
  const up: string[] = [];
  for (const { host, origin } of hosts) {
    try {
      await get(`${origin}/.well-known/nodeinfo`, "application/json", () => true);
      up.push(host);
    } catch (error) {
      const status = error instanceof RemoteError ? error.status : null;
      if (status !== null && status < 500 && status !== 408 && status !== 429) up.push(host);
      else log.debug("{host} is still unavailable: {error}", { host, error: String(error) });
    }
  }
  await recordHostsAnswered(ctx, up);
  return up;
}
