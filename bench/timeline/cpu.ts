// CPU time spent serving a run: the Kith process plus, when PostgreSQL runs on this machine, the
// backends connected to the benchmark's database. On a machine shared with other work, wall-clock
// latency swings with the neighbours' load; CPU milliseconds per request hardly does.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let ticksPerSecond: number | undefined;

function ticks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    } catch {
      ticksPerSecond = 100;
    }
    if (!Number.isFinite(ticksPerSecond) || ticksPerSecond <= 0) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/** utime + stime of a process in milliseconds, or null if it is gone or not readable. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / ticks();
  } catch {
    return null;
  }
}

/** Total CPU milliseconds of a changing set of processes, sampled before and after a run. */
export type CpuSample = Map<number, number>;

export function sample(pids: readonly number[]): CpuSample {
  const result: CpuSample = new Map();
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms !== null) result.set(pid, ms);
  }
  return result;
}

/** CPU used between two samples; processes that appeared in between count from zero. */
export function used(before: CpuSample, after: CpuSample): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** Is this pid a PostgreSQL process on this machine (so its CPU time can be read)? */
export function isLocalPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("postgres");
  } catch {
    return false;
  }
}
