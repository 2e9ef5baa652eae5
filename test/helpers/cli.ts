// Running the real `kith` command as a child process.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { join } from "node:path";

export const KITH_BIN = join(import.meta.dirname, "..", "..", "bin", "kith.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `kith ARGS` to completion with a clean environment plus `env`. */
export function runKith(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [KITH_BIN, ...args],
      { env: { PATH: process.env.PATH ?? "", KITH_LOG_LEVEL: "warning", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts a long-running `kith` process; output is collected for assertions. */
export function spawnKith(
  args: string[],
  env: Record<string, string>,
  cwd?: string,
): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [KITH_BIN, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    ...(cwd ? { cwd } : {}),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return Object.assign(child, { output: () => output });
}

export function exitOf(child: ChildProcess, timeoutMs = 15_000): Promise<number | string> {
  return new Promise((resolve, reject) => {
    // A child killed by a signal has no exit code, only its signal.
    if (child.exitCode !== null || child.signalCode !== null)
      return resolve(child.exitCode ?? child.signalCode!);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("process did not exit in time"));
    }, timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? -1);
    });
  });
}

/** Polls a URL until it answers 200, or fails after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    try {
      const response = await fetch(url);
      if (response.ok) return Date.now() - started;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
