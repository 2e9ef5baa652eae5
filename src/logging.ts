// Log set-up: LogTape to standard error, one line per record. Fedify logs through LogTape as
// well, under the "fedify" category, so its records share the level and the format.
import { AsyncLocalStorage } from "node:async_hooks";
import { inspect } from "node:util";
import {
  configure,
  getLogger,
  getTextFormatter,
  type Logger,
  type LogRecord,
} from "@logtape/logtape";
import type { LogLevel } from "./config.ts";

export async function setUpLogging(level: LogLevel): Promise<void> {
  const format = getTextFormatter({
    timestamp: "date-time-timezone",
    value: (v) => (typeof v === "string" ? v : inspect(v)),
  });
  const stderr = (record: LogRecord) => {
    process.stderr.write(format(record));
  };
  await configure({
    reset: true,
    // Fedify wraps each queued message in withContext(); without a store LogTape warned about
    // it twice per delivery, on every delivery.
    contextLocalStorage: new AsyncLocalStorage(),
    sinks: { stderr },
    loggers: [
      { category: ["kith"], lowestLevel: level, sinks: ["stderr"] },
      {
        category: ["fedify"],
        lowestLevel: level === "trace" || level === "debug" ? level : "warning",
        sinks: ["stderr"],
      },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    ],
  });
}

export function logger(...category: string[]): Logger {
  return getLogger(["kith", ...category]);
}
