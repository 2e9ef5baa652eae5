// Running lab instances as child processes: start `kith serve`, wait until /health answers over
// HTTPS, and stop them with SIGTERM (SIGKILL only after a grace period).
import { type ChildProcess, spawn } from "node:child_process";
import { get } from "node:https";
import { createServer } from "node:net";
import { join } from "node:path";
import { LabError } from "./instance.ts";

export const KITH_BIN = join(import.meta.dirname, "..", "..", "bin", "kith.js");
const KEEP_OUTPUT = 64 * 1024;

export interface Supervised {
  child: ChildProcess;
  /** The most recent output (stdout and stderr), for error messages and tests. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

export function spawnInstance(
  args: string[],
  env: Record<string, string>,
  onLine?: (line: string) => void,
): Supervised {
  const child = spawn(process.execPath, [KITH_BIN, ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: a Ctrl-C in the terminal reaches only the lab, which then stops
    // each instance once (a second signal makes `kith serve` exit at once).
    detached: true,
  });
  let output = "";
  let partial = "";
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-KEEP_OUTPUT);
    if (!onLine) return;
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      if (onLine && partial) onLine(partial);
      resolve(code ?? signal ?? -1);
    });
  });
  return { child, output: () => output, exited };
}

/** Polls https://127.0.0.1:PORT/health (trusting `ca`, checking the name) until it says OK. */
export async function waitUntilHealthy(
  instance: Supervised,
  port: number,
  servername: string,
  ca: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | string | undefined;
  void instance.exited.then((code) => (exitCode = code));
  let lastError = "no answer";
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new LabError("interrupted while starting");
    if (exitCode !== undefined) {
      const tail = instance.output().trim().split("\n").slice(-5).join("\n  ");
      throw new LabError(`${servername} exited (${exitCode}) while starting:\n  ${tail}`);
    }
    try {
      if ((await health(port, servername, ca)) === 200) return;
      lastError = "not healthy yet";
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new LabError(`${servername} did not answer /health within ${timeoutMs} ms (${lastError})`);
}

function health(port: number, servername: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = get(
      { host: "127.0.0.1", port, path: "/health", servername, ca, timeout: 2000, agent: false },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", reject);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopInstance(instance: Supervised, graceMs: number): Promise<void> {
  const { child } = instance;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await instance.exited;
  clearTimeout(timer);
}

/** Fails with a clear message when a port is taken (an earlier lab still running?). */
export function checkPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new LabError(
          `port ${port} on 127.0.0.1 is not free (${error.code}): is another lab running? ` +
            "Choose others with --base-port",
        ),
      ),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

/** A port the system says is free now (for labs started with base port 0, as tests do). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
