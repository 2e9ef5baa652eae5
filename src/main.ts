// The composition root: config → database → domain → worker and HTTP. Nothing else lives here.
import type { ServerType } from "@hono/node-server";
import type { Config } from "./config.ts";
import { openDatabase } from "./db/database.ts";
import { migrateToLatest } from "./db/migrate.ts";
import type { Context } from "./domain/context.ts";
import { rulesInForce } from "./domain/rules/in-force.ts";
import { closeStreamBus } from "./domain/streaming/bus.ts";
import { subscribeStreaming } from "./domain/streaming/listeners.ts";
import { remoteLookup } from "./federation/lookup.ts";
import { subscribeOutbox } from "./federation/outbox/subscribe.ts";
import { startFederationQueue } from "./federation/worker.ts";
import { createApp } from "./http/app.ts";
import { closeServer, listen } from "./http/server.ts";
import { closeStreaming } from "./http/streaming/hub.ts";
import { attachWebSockets } from "./http/streaming/websocket.ts";
import { releaseDeadLeases } from "./jobs/queue.ts";
import { jobHandlers } from "./jobs/registry.ts";
import { startWorker, type Worker } from "./jobs/worker.ts";
import { logger } from "./logging.ts";

export interface KithOptions {
  web: boolean;
  worker: boolean;
  /** Apply pending migrations first (the default). `kith web`/`worker` at scale may skip it. */
  migrate?: boolean;
}

export interface Kith {
  ctx: Context;
  /** The bound port when serving HTTP (useful with PORT=0). */
  port?: number;
  /** Finishes in-flight requests and jobs, then closes the database. */
  stop(): Promise<void>;
}

const log = logger("main");

export async function startKith(config: Config, options: KithOptions): Promise<Kith> {
  // A bad rules file stops the start here, with its line and reason.
  rulesInForce(config);
  const db = await openDatabase(config.database);
  const ctx: Context = { config, db };
  // Search's resolve=true fetches from other servers through federation (loaded on first use).
  ctx.remote = remoteLookup(ctx);
  try {
    await db.ping();
    if (options.migrate !== false) {
      const { applied } = await migrateToLatest(db);
      if (applied.length > 0)
        log.info("Applied migrations: {applied}", { applied: applied.join(", ") });
    }
  } catch (error) {
    await db.close();
    throw error;
  }

  // Local actions, wherever they happen, record domain events in the database; workers turn
  // them into deliveries. Fedify loads only when something goes out.
  const unsubscribeOutbox = options.worker ? subscribeOutbox(ctx) : () => {};
  const unsubscribeStreaming = options.worker ? subscribeStreaming(ctx) : () => {};
  let worker: Worker | undefined;
  if (options.worker) {
    // A worker restarted after a crash takes up at once what it (or a sibling) had in hand.
    const released = await releaseDeadLeases(db).catch((error) => {
      log.error("Could not release stale job leases: {error}", { error: String(error) });
      return 0;
    });
    if (released > 0) log.info("Took back {released} jobs from stopped workers", { released });
    worker = startWorker(db, jobHandlers(ctx));
  }
  // Fedify's queue runs in worker processes only (it loads Fedify with its first message).
  const federationQueue = options.worker ? startFederationQueue(ctx) : undefined;

  let server: ServerType | undefined;
  let port: number | undefined;
  if (options.web) {
    const app = createApp(ctx);
    try {
      ({ server, port } = await listen(app.fetch, config.host, config.port, config.tls));
      attachWebSockets(ctx, server);
    } catch (error) {
      unsubscribeOutbox();
      unsubscribeStreaming();
      await worker?.stop();
      await federationQueue?.stop();
      await db.close();
      throw error;
    }
    log.info("Kith is listening on {scheme}://{host}:{port} as {origin}", {
      scheme: config.tls ? "https" : "http",
      host: config.host,
      port,
      origin: config.origin,
    });
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Streaming connections never end by themselves: close them first.
      await closeStreaming(config);
      if (server) await closeServer(server, config.shutdownTimeoutMs);
      await closeStreamBus(config);
      unsubscribeOutbox();
      unsubscribeStreaming();
      await worker?.stop();
      await federationQueue?.stop();
      await db.close();
      log.info("Stopped");
    })();
    return stopping;
  };
  return { ctx, ...(port !== undefined ? { port } : {}), stop };
}
