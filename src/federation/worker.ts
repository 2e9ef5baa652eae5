// The federation side of a worker process (`kith serve`, `kith worker`): listens on Kith's
// Fedify queue and hands each message to Fedify. Fedify itself is loaded with the first
// message, so an idle worker stays small.
import type { Context } from "../domain/context.ts";
import { logger } from "../logging.ts";
import { KithMessageQueue } from "./message-queue.ts";
import { settleQueuedMessage } from "./outbox/outcomes.ts";

export interface FederationQueueWorker {
  /** Stops taking messages and waits for those in hand. */
  stop(): Promise<void>;
}

const log = logger("federation");

export function startFederationQueue(ctx: Context): FederationQueueWorker {
  const controller = new AbortController();
  const listening = new KithMessageQueue(ctx.db, {
    concurrency: ctx.config.federationConcurrency,
  }).listen(
    async (message) => {
      await settleQueuedMessage(ctx, message, async () => {
        const { kithFederation } = await import("./federation.ts");
        await kithFederation(ctx).processQueuedTask(ctx, message);
      });
    },
    { signal: controller.signal },
  );
  log.debug("Federation queue started");
  return {
    async stop() {
      controller.abort();
      await listening;
    },
  };
}
