// Fedify's MessageQueue on Kith's job queue (src/jobs/queue.ts, table `jobs`), with
// at-least-once delivery: a message is claimed with a lease, kept leased while its handler
// runs, and deleted only after the handler resolves. A handler that throws or times out puts
// the message back with backoff, and after `maxAttempts` it is parked as dead; a process that
// dies mid-handler leaves a lease that runs out, and another listener gets the message again.
// Duplicates are therefore possible and Fedify's inbox de-duplication absorbs them.
//
// Why the `jobs` table rather than a table of its own: leases, backoff, dead-lettering and
// PostgreSQL's FOR UPDATE SKIP LOCKED claiming already live there and are tested; Fedify's
// messages only needed ordering keys, which the 0008 migration adds for every queue.
//
// SECRET: Fedify's outbox and fan-out messages carry the sender's private keys (JWK). The rows
// of the `fedify` queue (and `dead:fedify`) must never be logged, exported or shown; dead ones
// are deleted after a few days (federationCleanup).
import type {
  MessageQueue,
  MessageQueueDepth,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from "@fedify/fedify";
import type { Db } from "../db/database.ts";
import { ANY_QUEUE } from "../db/wakeups.ts";
import {
  claimMany,
  complete,
  type EnqueueOptions,
  enqueueJobs,
  enqueueMany,
  extendLease,
  fail,
  type Job,
  newWorkerId,
  type PreparedJob,
  prepareJob,
  retireWorkerId,
} from "../jobs/queue.ts";
import { logger } from "../logging.ts";
import { durationMs } from "./duration.ts";

export const FEDIFY_QUEUE = "fedify";

export interface KithMessageQueueOptions {
  /** The `jobs.queue` name. */
  queue?: string;
  /** Handlers running at once per listen() call. */
  concurrency?: number;
  /** How long a claim lasts without renewal; renewed every third of it while running. */
  leaseMs?: number;
  /** A handler still running after this is given up on and its message retried later. */
  handlerTimeoutMs?: number;
  /** Longest sleep between looks at the table (without LISTEN/NOTIFY, how late other processes' messages are seen). */
  pollMs?: number;
  /** Tries before a message is parked as dead. */
  maxAttempts?: number;
  /** Told of each message enqueued through this object (outbox/outcomes.ts watches it). */
  onEnqueue?: (message: unknown) => void;
}

const log = logger("federation", "queue");

class HandlerTimeout extends Error {
  override name = "HandlerTimeout";
}

export class KithMessageQueue implements MessageQueue {
  // Fedify retries failed deliveries itself by enqueueing new messages.
  readonly nativeRetrial = false;
  readonly #db: Db;
  readonly #queue: string;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #handlerTimeoutMs: number;
  readonly #pollMs: number;
  readonly #maxAttempts: number;
  readonly #onEnqueue: ((message: unknown) => void) | undefined;
  /** Messages enqueued in this turn of the event loop, stored together at its end. */
  #batch: { job: PreparedJob; resolve: () => void; reject: (error: unknown) => void }[] | null =
    null;

  constructor(db: Db, options: KithMessageQueueOptions = {}) {
    this.#db = db;
    this.#queue = options.queue ?? FEDIFY_QUEUE;
    this.#concurrency = options.concurrency ?? 4;
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#handlerTimeoutMs = options.handlerTimeoutMs ?? 120_000;
    this.#pollMs = options.pollMs ?? 1000;
    this.#maxAttempts = options.maxAttempts ?? 8;
    this.#onEnqueue = options.onEnqueue;
  }

  #jobOptions(options?: MessageQueueEnqueueOptions): EnqueueOptions {
    const delay = options?.delay ? Math.max(0, durationMs(options.delay)) : 0;
    return {
      maxAttempts: this.#maxAttempts,
      ...(delay > 0 ? { runAt: new Date(Date.now() + delay) } : {}),
      ...(options?.orderingKey != null ? { orderingKey: options.orderingKey } : {}),
    };
  }

  /**
   * Resolves once the message is stored. Messages enqueued in the same turn of the event loop
   * are stored together, in one transaction: Fedify enqueues a post's deliveries (one per
   * inbox, each with its ordering key) all at once, and one commit for a thousand of them
   * costs far less than a thousand commits. If the batch fails, every one of them rejects.
   */
  enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    this.#onEnqueue?.(message);
    let job: PreparedJob;
    try {
      job = prepareJob(this.#queue, message, this.#jobOptions(options));
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      if (!this.#batch) {
        this.#batch = [];
        queueMicrotask(() => this.#storeBatch());
      }
      this.#batch.push({ job, resolve, reject });
    });
  }

  async #storeBatch(): Promise<void> {
    const batch = this.#batch ?? [];
    this.#batch = null;
    try {
      await enqueueJobs(
        this.#db,
        this.#queue,
        batch.map((b) => b.job),
      );
      for (const b of batch) b.resolve();
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions) {
    for (const message of messages) this.#onEnqueue?.(message);
    await enqueueMany(this.#db, this.#queue, messages, this.#jobOptions(options));
  }

  async getDepth(): Promise<MessageQueueDepth> {
    const now = new Date().toISOString();
    const row = await this.#db.kysely
      .selectFrom("jobs")
      .select((eb) => [
        eb.fn.countAll().as("queued"),
        eb.fn.sum(eb.case().when("run_at", "<=", now).then(1).else(0).end()).as("ready"),
      ])
      .where("queue", "=", this.#queue)
      .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
      .executeTakeFirstOrThrow();
    const queued = Number(row.queued);
    const ready = Number(row.ready ?? 0);
    return { queued, ready, delayed: queued - ready };
  }

  /**
   * Runs `handler` for each message, up to `concurrency` at a time, until `signal` aborts; then
   * lets the handlers in hand finish (or time out) and resolves. Never rejects: database
   * errors are logged and retried, handler errors go back to the queue.
   */
  async listen(
    // biome-ignore lint/suspicious/noExplicitAny: Fedify's MessageQueue signature
    handler: (message: any) => Promise<void> | void,
    options: MessageQueueListenOptions = {},
  ): Promise<void> {
    const { signal } = options;
    const workerId = newWorkerId();
    const running = new Set<Promise<void>>();
    // A poke (a message enqueued here, abort) cuts the current sleep short, or the next one if
    // it comes while the loop is busy claiming. A finished handler pokes only when the table
    // may hold more due messages than the last claim took: when that claim filled every free
    // slot, or when the message had an ordering key (the next one with it is due now). Else an
    // idle queue would cost a claim that finds nothing after every message.
    let wake: (() => void) | undefined;
    let poked = false;
    let mayHaveMore = false;
    const poke = () => {
      poked = true;
      wake?.();
    };
    // Messages enqueued in this process, or in another one on PostgreSQL (LISTEN/NOTIFY).
    const stopListening = this.#db.wakeups.listen((queue) => {
      if (queue === this.#queue || queue === ANY_QUEUE) poke();
    });
    signal?.addEventListener("abort", poke, { once: true });
    let failures = 0;
    try {
      while (!signal?.aborted) {
        let sleepMs = this.#pollMs;
        try {
          const free = this.#concurrency - running.size;
          if (free > 0) {
            // One statement for every free slot rather than one per message.
            const jobs = await claimMany(this.#db, [this.#queue], workerId, this.#leaseMs, free);
            mayHaveMore = jobs.length === free;
            for (const job of jobs) {
              const p = this.#run(job, handler, workerId).finally(() => {
                running.delete(p);
                if (mayHaveMore || job.orderingKey !== null) poke();
              });
              running.add(p);
            }
            if (!mayHaveMore) sleepMs = await this.#untilNextDue();
          }
          failures = 0;
        } catch (error) {
          failures += 1;
          sleepMs = Math.min(this.#pollMs * 2 ** failures, 30_000);
          if (!signal?.aborted)
            log.error("Could not claim federation messages: {error}", { error: String(error) });
        }
        if (signal?.aborted) break;
        if (!poked) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, sleepMs);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
        }
        poked = false;
      }
    } catch (error) {
      log.error("Federation queue listener failed: {error}", { error: String(error) });
    } finally {
      stopListening();
      signal?.removeEventListener("abort", poke);
      await Promise.allSettled([...running]);
      retireWorkerId(workerId);
    }
  }

  /** Milliseconds until the earliest delayed message is due, at most pollMs. */
  async #untilNextDue(): Promise<number> {
    const now = new Date();
    const row = await this.#db.kysely
      .selectFrom("jobs")
      .select((eb) => eb.fn.min("run_at").as("next"))
      .where("queue", "=", this.#queue)
      .where("run_at", ">", now.toISOString())
      .executeTakeFirst();
    if (!row?.next) return this.#pollMs;
    const wait = Date.parse(String(row.next)) - now.getTime();
    return Math.max(1, Math.min(wait, this.#pollMs));
  }

  async #run(
    job: Job,
    handler: (message: unknown) => Promise<void> | void,
    workerId: string,
  ): Promise<void> {
    const heartbeat = setInterval(() => {
      extendLease(this.#db, job, workerId, this.#leaseMs).catch(() => {});
    }, this.#leaseMs / 3);
    heartbeat.unref();
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(() => handler(job.payload)),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(
            () => reject(new HandlerTimeout(`handler ran over ${this.#handlerTimeoutMs} ms`)),
            this.#handlerTimeoutMs,
          );
        }),
      ]);
      clearInterval(heartbeat);
      await complete(this.#db, job);
    } catch (error) {
      clearInterval(heartbeat);
      // Only the error: the message itself may hold private keys.
      const outcome = await fail(this.#db, job, error).catch(() => "retry (lease)");
      log.warn("Federation message {id} failed (attempt {attempts}), {outcome}: {error}", {
        id: job.id,
        attempts: job.attempts,
        outcome,
        error: String(error),
      });
    } finally {
      clearInterval(heartbeat);
      clearTimeout(timeout);
    }
  }
}
