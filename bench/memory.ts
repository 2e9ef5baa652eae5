// Resident memory of `kith serve` on SQLite: once idle after start-up, and after 1,000 requests.
// Usage: node bench/memory.ts [--requests N]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { requests: { type: "string", default: "1000" } } });
const total = Number(values.requests);

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), "kith-bench-memory-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const child = spawn(
  process.execPath,
  [join(import.meta.dirname, "..", "bin", "kith.js"), "serve"],
  {
    env: {
      PATH: process.env.PATH ?? "",
      // Passed on so that V8 settings (e.g. --max-semi-space-size) can be measured too.
      ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
      ...(process.env.NODE_COMPILE_CACHE
        ? { NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE }
        : {}),
      KITH_DATA_DIR: dataDir,
      PORT: String(port),
      KITH_LOG_LEVEL: "warning",
    },
    stdio: ["ignore", "inherit", "inherit"],
  },
);

try {
  const started = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {}
    if (Date.now() - started > 20_000) throw new Error("kith serve did not start");
    await sleep(50);
  }
  const startMs = Date.now() - started;
  await sleep(3000);
  const idle = rssMiB(child.pid!);

  const paths = [
    "/api/v2/instance",
    "/api/v1/instance",
    "/health",
    "/api/v1/nonexistent",
    "/static/avatar.png",
  ];
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < total) {
        const path = paths[next++ % paths.length]!;
        await (await fetch(`${base}${path}`)).arrayBuffer();
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await sleep(1000);
  const loaded = rssMiB(child.pid!);

  console.log(`kith serve (SQLite), Node ${process.version}`);
  console.log(`  ready after:              ${startMs} ms`);
  console.log(`  resident memory, idle:    ${idle.toFixed(1)} MiB`);
  console.log(
    `  after ${total} requests:    ${loaded.toFixed(1)} MiB  (${(total / seconds).toFixed(0)} req/s, 10 concurrent)`,
  );
} finally {
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  rmSync(dataDir, { recursive: true, force: true });
}
