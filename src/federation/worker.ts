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

// Loaded once: a dynamic import() of a module already loaded still costs a resolution.
let federationModule: Promise<typeof import("./federation.ts")> | undefined;

export function startFederationQueue(ctx: Context): FederationQueueWorker {
  const controller = new AbortController();
  const listening = new KithMessageQueue(ctx.db, {
    concurrency: ctx.config.federationConcurrency,
  }).listen(
    async (message) => {
      await settleQueuedMessage(ctx, message, async () => {
        federationModule ??= import("./federation.ts");
        const { kithFederation } = await federationModule;
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
