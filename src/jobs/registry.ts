// Which queue runs which domain operation. The worker process is built from this list.
import type { Context } from "../domain/context.ts";
import { housekeeping } from "../domain/housekeeping.ts";
import type { WorkerOptions } from "./worker.ts";

export function jobHandlers(ctx: Context): Pick<WorkerOptions, "handlers" | "periodic"> {
  return {
    handlers: {
      housekeeping: async () => {
        await housekeeping(ctx);
      },
    },
    periodic: [{ queue: "housekeeping", everyMs: 3600_000 }],
  };
}
