// Wake-up calls for workers waiting on the job queue, so that a job is taken as soon as it is
// committed rather than at the next poll. Within one process they are plain calls. On
// PostgreSQL, whoever enqueues also runs NOTIFY in the enqueueing transaction (jobs/queue.ts),
// which PostgreSQL delivers only when that transaction commits; each process with a worker
// holds one dedicated connection that LISTENs and passes what it hears to its workers. A lost
// connection is reopened with backoff; until then the workers' polling still finds every job,
// only later. After each (re)connection every listener is woken once, for what it missed.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { logger } from "../logging.ts";

export const WAKEUP_CHANNEL = "kith_jobs";
/** What listeners are told when something may have been missed: look at every queue. */
export const ANY_QUEUE = "*";
/** How the LISTEN connection shows in pg_stat_activity. */
export const WAKEUP_APPLICATION_NAME = "kith-wakeups";

export type WakeupListener = (queue: string) => void;

const log = logger("db", "wakeups");
const MAX_RECONNECT_DELAY_MS = 30_000;

export class Wakeups {
  readonly #listeners = new Set<WakeupListener>();
  readonly #connect: (() => pg.Client) | undefined;
  #client: pg.Client | undefined;
  #listening = false;
  #retry: NodeJS.Timeout | undefined;
  #failures = 0;
  #closed = false;
  // Marks NOTIFYs this process sent after waking its own workers already.
  readonly #self = randomBytes(6).toString("hex");

  readonly #channel: string;

  /** `connect` makes a fresh client for the LISTEN connection (PostgreSQL only). Streaming
   *  (domain/streaming/bus.ts) listens the same way on a channel of its own. */
  constructor(connect?: () => pg.Client, channel = WAKEUP_CHANNEL) {
    this.#connect = connect;
    this.#channel = channel;
  }

  /** Has anyone in this process asked to hear? */
  get heard(): boolean {
    return this.#listeners.size > 0;
  }

  /** True while the LISTEN connection is up (always false on SQLite). */
  get listening(): boolean {
    return this.#listening;
  }

  /** Wakes this process's listeners of `queue` (the NOTIFY for others is sent in SQL). */
  wake(queue: string): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(queue);
      } catch (error) {
        log.error("A wake-up listener failed: {error}", { error: String(error) });
      }
    }
  }

  /** A NOTIFY payload for `queue` that this process's own LISTEN connection ignores. */
  ownPayload(queue: string): string {
    return `${queue}\n${this.#self}`;
  }

  /** Calls `listener` with the queue of each job enqueued from now on; returns the way to stop. */
  listen(listener: WakeupListener): () => void {
    this.#listeners.add(listener);
    if (this.#connect && !this.#client && !this.#retry && !this.#closed) void this.#open();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#disconnect();
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    await this.#disconnect();
  }

  async #open(): Promise<void> {
    const client = this.#connect!();
    this.#client = client;
    const lost = (error?: unknown) => this.#lost(client, error);
    client.on("error", lost);
    client.on("end", () => lost());
    client.on("notification", (message) => {
      if (message.channel !== this.#channel) return;
      const [queue, sender] = (message.payload ?? ANY_QUEUE).split("\n");
      if (sender !== this.#self) this.wake(queue || ANY_QUEUE);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.#channel}`);
    } catch (error) {
      lost(error);
      return;
    }
    if (this.#client !== client) return;
    if (this.#failures > 0) log.info("Listening on {channel} again", { channel: this.#channel });
    this.#failures = 0;
    this.#listening = true;
    this.wake(ANY_QUEUE);
  }

  #lost(client: pg.Client, error?: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#listening = false;
    client.end().catch(() => {});
    if (this.#closed || this.#listeners.size === 0) return;
    const delay = Math.min(1000 * 2 ** this.#failures, MAX_RECONNECT_DELAY_MS);
    this.#failures += 1;
    log.warn("Lost the {channel} LISTEN connection ({error}); reconnecting in {delay} ms", {
      channel: this.#channel,
      error: error ? String(error) : "closed",
      delay,
    });
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (!this.#closed && this.#listeners.size > 0 && !this.#client) void this.#open();
    }, delay);
    this.#retry.unref();
  }

  async #disconnect(): Promise<void> {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = undefined;
    const client = this.#client;
    this.#client = undefined;
    this.#listening = false;
    await client?.end().catch(() => {});
  }
}
