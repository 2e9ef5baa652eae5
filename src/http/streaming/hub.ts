// The streaming clients of this web process: who is connected, the bus messages in the order
// they come, and the heartbeat. One hub per Kith, made on the first connection.
import type { Config } from "../../config.ts";
import type { Context } from "../../domain/context.ts";
import { listenToStreams, streamBusReady } from "../../domain/streaming/bus.ts";
import { ownList, tokensStillValid } from "../../domain/streaming/deliver.ts";
import type { StreamMessage } from "../../domain/streaming/messages.ts";
import { StreamRequestError, type StreamSpec } from "../../domain/streaming/streams.ts";
import { logger } from "../../logging.ts";
import { checkStreamScope } from "./auth.ts";
import type { StreamClient } from "./client.ts";
import { dispatch } from "./dispatch.ts";

/** Mastodon's streaming server beats every 15 seconds (SSE `:thump`, WebSocket ping). */
const HEARTBEAT_MS = 15_000;

const log = logger("streaming");
const hubs = new WeakMap<Config, StreamingHub>();

/** This Kith's hub (made on first use). */
export function streamingHub(ctx: Context): StreamingHub {
  let hub = hubs.get(ctx.config);
  if (!hub) hubs.set(ctx.config, (hub = new StreamingHub(ctx)));
  return hub;
}

/** Ends every streaming connection and stops listening (before the HTTP server closes). */
export async function closeStreaming(config: Config): Promise<void> {
  const hub = hubs.get(config);
  hubs.delete(config);
  await hub?.close();
}

export class StreamingHub {
  readonly #ctx: Context;
  readonly #byAccount = new Map<string, Set<StreamClient>>();
  #clientCount = 0;
  #listening: Promise<() => void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  readonly #queue: StreamMessage[] = [];
  #draining: Promise<void> | undefined;
  #closed = false;

  constructor(ctx: Context) {
    this.#ctx = ctx;
  }

  get clientCount(): number {
    return this.#clientCount;
  }

  /** Resolves once this process hears the bus: call before taking a client in. */
  async ready(): Promise<void> {
    if (this.#closed) throw new StreamRequestError("Server shutting down", 401);
    this.#listening ??= listenToStreams(this.#ctx, (message) => this.#receive(message));
    await this.#listening;
    await streamBusReady(this.#ctx);
    if (!this.#heartbeat && !this.#closed) {
      this.#heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
      this.#heartbeat.unref();
    }
  }

  add(client: StreamClient): void {
    if (this.#closed) {
      client.close();
      return;
    }
    const accountId = client.auth.viewer.accountId;
    let set = this.#byAccount.get(accountId);
    if (!set) this.#byAccount.set(accountId, (set = new Set()));
    set.add(client);
    this.#clientCount += 1;
  }

  /** Has a client of this account subscribed to this stream (tests and the benchmark wait)? */
  isSubscribed(accountId: string, name: StreamSpec["name"]): boolean {
    for (const client of this.#byAccount.get(accountId) ?? []) if (client.has(name)) return true;
    return false;
  }

  remove(client: StreamClient): void {
    const accountId = client.auth.viewer.accountId;
    const set = this.#byAccount.get(accountId);
    if (!set?.delete(client)) return;
    this.#clientCount -= 1;
    if (set.size === 0) this.#byAccount.delete(accountId);
  }

  /** Adds a stream to a client, after its scope and (for a list) ownership checks. */
  async subscribe(client: StreamClient, spec: StreamSpec): Promise<void> {
    checkStreamScope(client.auth, spec);
    if (spec.name === "list" && !(await ownList(this.#ctx, client.auth.viewer, spec.list)))
      throw new StreamRequestError("Not authorized to stream this list", 401);
    client.addStream(spec);
  }

  /** Sends every client its heartbeat and ends those whose token or account is no longer
   *  good (on a timer; tests call it). */
  async beat(): Promise<void> {
    const clients = [...this.#allClients()];
    for (const client of clients) client.heartbeat();
    if (clients.length === 0) return;
    try {
      const valid = await tokensStillValid(
        this.#ctx,
        clients.map((c) => c.auth.tokenId),
      );
      for (const client of clients)
        if (!valid.has(client.auth.tokenId)) {
          this.remove(client);
          client.close();
        }
    } catch (error) {
      log.warn("Could not check streaming tokens: {error}", { error: String(error) });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    const stop = await this.#listening?.catch(() => undefined);
    stop?.();
    for (const set of this.#byAccount.values()) for (const client of set) client.close();
    this.#byAccount.clear();
    this.#clientCount = 0;
    await this.#draining;
  }

  #receive(message: StreamMessage): void {
    if (this.#closed) return;
    this.#queue.push(message);
    if (!this.#draining) this.#draining = this.#drain();
  }

  // One message at a time, in the order heard (an update before its delete).
  async #drain(): Promise<void> {
    await Promise.resolve(); // so that `#draining` is set before this can end
    const directory = {
      ofAccount: (id: string) => this.#byAccount.get(id) ?? [],
      all: () => this.#allClients(),
    };
    try {
      for (let message = this.#queue.shift(); message; message = this.#queue.shift()) {
        if (this.#closed) return;
        try {
          await dispatch(this.#ctx, directory, message);
        } catch (error) {
          log.error("Could not stream {kind}: {error}", {
            kind: message.kind,
            error: String(error),
          });
        }
      }
    } finally {
      this.#draining = undefined;
    }
  }

  *#allClients(): Iterable<StreamClient> {
    for (const set of this.#byAccount.values()) yield* set;
  }
}
