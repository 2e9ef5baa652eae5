// One streaming connection: who it is, what it subscribed to, and how to reach it. Kept small
// (a few fields; subscriptions in a Map only once there are any) since a server holds
// thousands. WebSocket and server-sent events differ only in framing.
import type { StreamSpec, StreamViewer } from "../../domain/streaming/streams.ts";
import { streamKey } from "../../domain/streaming/streams.ts";

export abstract class StreamClient {
  readonly auth: StreamViewer;
  #streams: Map<string, StreamSpec> | undefined;

  constructor(auth: StreamViewer) {
    this.auth = auth;
  }

  has(name: StreamSpec["name"]): boolean {
    if (!this.#streams) return false;
    for (const spec of this.#streams.values()) if (spec.name === name) return true;
    return false;
  }

  specs(): Iterable<StreamSpec> {
    return this.#streams?.values() ?? [];
  }

  addStream(spec: StreamSpec): void {
    this.#streams ??= new Map();
    this.#streams.set(streamKey(spec), spec);
  }

  removeStream(spec: StreamSpec): void {
    this.#streams?.delete(streamKey(spec));
  }

  /** `payload` as Mastodon sends it: a JSON-encoded entity as a string, or an ID. */
  abstract send(stream: string[], event: string, payload: string | undefined): void;
  /** Keeps the connection alive and drops a dead one. */
  abstract heartbeat(): void;
  abstract close(): void;
}

/** Server-sent events: `event:` and `data:` lines; `:thump` comments as heartbeats. */
export class SseClient extends StreamClient {
  readonly #write: (text: string) => void;
  readonly #end: () => void;

  constructor(auth: StreamViewer, write: (text: string) => void, end: () => void) {
    super(auth);
    this.#write = write;
    this.#end = end;
  }

  send(_stream: string[], event: string, payload: string | undefined): void {
    this.#write(`event: ${event}\ndata: ${payload ?? ""}\n\n`);
  }

  heartbeat(): void {
    this.#write(":thump\n");
  }

  close(): void {
    this.#end();
  }
}

/** The part of a `ws` WebSocket a client needs (ws is loaded only when one connects). */
export interface SocketLike {
  readonly bufferedAmount: number;
  send(data: string): void;
  ping(): void;
  terminate(): void;
  close(code?: number, reason?: string): void;
}

/** Past this much unsent data the client is not reading: it is dropped, not buffered for. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export class WebSocketClient extends StreamClient {
  readonly #socket: SocketLike;
  alive = true;

  constructor(auth: StreamViewer, socket: SocketLike) {
    super(auth);
    this.#socket = socket;
  }

  send(stream: string[], event: string, payload: string | undefined): void {
    this.#raw(JSON.stringify({ stream, event, ...(payload === undefined ? {} : { payload }) }));
  }

  /** Mastodon's error message for a refused subscription. */
  error(message: string, status: number): void {
    this.#raw(JSON.stringify({ error: message, status }));
  }

  heartbeat(): void {
    if (!this.alive) {
      this.#socket.terminate();
      return;
    }
    this.alive = false;
    this.#socket.ping();
  }

  close(): void {
    this.#socket.close(1001);
  }

  #raw(data: string): void {
    if (this.#socket.bufferedAmount > MAX_BUFFERED_BYTES) this.#socket.terminate();
    else this.#socket.send(data);
  }
}
