// Runs `kith serve` as its own process (so the load generator does not share its event loop)
// and drives one endpoint with a fixed number of requests at a fixed concurrency over loopback.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { loadavg } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sample, used } from "./cpu.ts";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  base: string;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns `node bin/kith.js serve` with `env` and waits until /health answers. */
export async function startServer(env: Record<string, string>, port: number) {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(import.meta.dirname, "..", "..", "bin", "kith.js"), "serve"],
    { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "inherit", "inherit"] },
  );
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const server: RunningServer = {
    base: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      if (exited) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exit;
      clearTimeout(killer);
    },
  };
  const started = Date.now();
  for (;;) {
    if (exited) throw new Error("kith serve exited before it was ready");
    try {
      if ((await fetch(`${server.base}/health`)).ok) return server;
    } catch {}
    if (Date.now() - started > 60_000) {
      await server.stop();
      throw new Error("kith serve did not answer /health within 60 s");
    }
    await sleep(100);
  }
}

export interface LoadResult {
  requests: number;
  concurrency: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  perSecond: number;
  /** CPU milliseconds the server side (see cpu.ts) spent per request… */
  cpuPerRequest: number;
  /** …of which in the Kith process (all of it on SQLite). */
  kithCpuPerRequest: number;
  /** The machine's one-minute load average at the end of the run. */
  load: number;
}

/** Nearest-rank percentile of sorted milliseconds. */
function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Sends `requests` GETs to `url`, `concurrency` at a time, each timed from sending to the last
 * byte of the body. Any answer other than 200 stops the run: figures from errors mean nothing.
 * `serverPids` lists the processes whose CPU time counts as the server's, Kith's first.
 */
export async function drive(
  url: string,
  headers: Record<string, string>,
  requests: number,
  concurrency: number,
  serverPids: () => Promise<number[]>,
): Promise<LoadResult> {
  const times = new Float64Array(requests);
  const cpuBefore = sample(await serverPids());
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const start = performance.now();
        const response = await fetch(url, { headers });
        const body = await response.arrayBuffer();
        times[i] = performance.now() - start;
        if (response.status !== 200) {
          const text = new TextDecoder().decode(body).slice(0, 200);
          throw new Error(`GET ${url} answered ${response.status}: ${text}`);
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const pids = await serverPids();
  const cpuAfter = sample(pids);
  const cpu = used(cpuBefore, cpuAfter);
  const kithCpu = (cpuAfter.get(pids[0]!) ?? 0) - (cpuBefore.get(pids[0]!) ?? 0);
  times.sort();
  return {
    requests,
    concurrency,
    p50: percentile(times, 50),
    p90: percentile(times, 90),
    p99: percentile(times, 99),
    max: times[times.length - 1] ?? 0,
    perSecond: requests / seconds,
    cpuPerRequest: cpu / requests,
    kithCpuPerRequest: kithCpu / requests,
    load: loadavg()[0]!,
  };
}
