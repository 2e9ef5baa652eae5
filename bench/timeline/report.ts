// The benchmark's summary: a Markdown table that can be pasted into docs/benchmarks.md as is.
import type { LoadResult } from "./load.ts";

export interface ReportRow {
  database: string;
  timeline: string;
  result: LoadResult;
}

export function printTable(rows: ReportRow[]): void {
  const header = ["database", "timeline", "concurrency", "requests", "p50 ms", "p90 ms"];
  header.push("p99 ms", "max ms", "req/s", "CPU ms/req", "of which Kith", "load");
  const lines = rows.map((r) => [
    r.database,
    r.timeline,
    String(r.result.concurrency),
    String(r.result.requests),
    r.result.p50.toFixed(1),
    r.result.p90.toFixed(1),
    r.result.p99.toFixed(1),
    r.result.max.toFixed(1),
    r.result.perSecond.toFixed(0),
    r.result.cpuPerRequest.toFixed(2),
    r.result.kithCpuPerRequest.toFixed(2),
    r.result.load.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const left = (i: number) => i < 2;
  const format = (cells: string[]) =>
    `| ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  const rule = widths.map((w, i) => (left(i) ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`));
  console.log(format(header));
  console.log(`|${rule.join("|")}|`);
  for (const line of lines) console.log(format(line));
}

/** One line per database: did the home timeline meet the p99 target at concurrency 1? */
export function printVerdicts(rows: ReportRow[], targetMs: number): void {
  for (const r of rows.filter((r) => r.timeline === "home" && r.result.concurrency === 1)) {
    const ok = r.result.p99 <= targetMs;
    console.log(
      `${r.database}: home p99 ${r.result.p99.toFixed(1)} ms ${ok ? "≤" : ">"} ${targetMs} ms target: ${ok ? "met" : "MISSED"}`,
    );
  }
}
