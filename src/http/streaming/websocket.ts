// The WebSocket endpoint, /api/v1/streaming, on the web server's own port: the HTTP server's
// 'upgrade' requests are authenticated here and handed to `ws` (loaded on the first one).
// Clients multiplex streams with {"type":"subscribe"|"unsubscribe","stream":…,"tag"|"list":…}
// messages, or name one with ?stream= (and &tag= / &list=) when connecting.
import type { IncomingMessage } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { ServerType } from "@hono/node-server";
import type { WebSocketServer } from "ws";
import type { Context } from "../../domain/context.ts";
import { parseStream, StreamRequestError } from "../../domain/streaming/streams.ts";
import { logger } from "../../logging.ts";
import { webSocketUpgradeLimited } from "../middleware/rate-limit.ts";
import { authenticateStream, streamingToken } from "./auth.ts";
import { WebSocketClient } from "./client.ts";
import { type StreamingHub, streamingHub } from "./hub.ts";

export const STREAMING_PATH = "/api/v1/streaming";
/** Clients send only small subscribe/unsubscribe messages. */
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

const log = logger("streaming", "websocket");

/** Serves WebSocket upgrades of `server` (any other upgrade is refused). */
export function attachWebSockets(ctx: Context, server: ServerType): void {
  let wss: Promise<WebSocketServer> | undefined;
  const loadWs = () => {
    wss ??= import("ws").then(
      ({ WebSocketServer }) =>
        new WebSocketServer({
          noServer: true,
          clientTracking: false,
          perMessageDeflate: false,
          maxPayload: MAX_CLIENT_MESSAGE_BYTES,
        }),
    );
    return wss;
  };
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    upgrade(ctx, loadWs, req, socket, head).catch((error) => {
      log.error("WebSocket upgrade failed: {error}", { error: String(error) });
      refuse(socket, 500, "Internal server error");
    });
  });
}

async function upgrade(
  ctx: Context,
  loadWs: () => Promise<WebSocketServer>,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname.replace(/\/$/, "") !== STREAMING_PATH) return refuse(socket, 404, "Not found");
  const hub = streamingHub(ctx);
  const token = streamingToken({
    authorization: req.headers.authorization,
    protocol: req.headers["sec-websocket-protocol"],
    query: url.searchParams,
  });
  const forwarded = req.headers["x-forwarded-for"];
  const limited = webSocketUpgradeLimited(ctx, {
    peer: req.socket.remoteAddress ?? "unknown",
    forwarded: Array.isArray(forwarded) ? forwarded.join(",") : forwarded,
    token,
  });
  if (limited) return refuse(socket, 429, "Too many requests", limited);
  let auth: Awaited<ReturnType<typeof authenticateStream>>;
  try {
    auth = await authenticateStream(ctx, token);
    await hub.ready();
  } catch (error) {
    if (error instanceof StreamRequestError) return refuse(socket, error.status, error.message);
    throw error;
  }
  const wss = await loadWs();
  wss.handleUpgrade(req, socket, head, (ws) => {
    const client = new WebSocketClient(auth, ws);
    hub.add(client);
    // Subscriptions are applied one after the other, in the order the client sent them.
    let pending: Promise<void> = Promise.resolve();
    const apply = (work: () => Promise<void>) => {
      pending = pending.then(work).catch((error) => {
        if (error instanceof StreamRequestError) client.error(error.message, error.status);
        else log.error("Streaming subscription failed: {error}", { error: String(error) });
      });
    };
    ws.on("pong", () => {
      client.alive = true;
    });
    ws.on("close", () => hub.remove(client));
    ws.on("error", () => ws.terminate());
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const message = parseClientMessage(String(data));
      if (message) apply(() => handleMessage(hub, client, message));
    });
    const initial = url.searchParams.get("stream");
    if (initial)
      apply(() => hub.subscribe(client, parseStream(initial, queryParams(url.searchParams))));
  });
}

interface ClientMessage {
  type: string;
  stream?: string;
  tag?: string;
  list?: string;
}

function parseClientMessage(text: string): ClientMessage | null {
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== "object") return null;
    const { type, stream, tag, list } = value as Record<string, unknown>;
    if (typeof type !== "string") return null;
    return {
      type,
      ...(typeof stream === "string" ? { stream } : {}),
      ...(typeof tag === "string" ? { tag } : {}),
      ...(typeof list === "string" || typeof list === "number" ? { list: String(list) } : {}),
    };
  } catch {
    return null;
  }
}

async function handleMessage(
  hub: StreamingHub,
  client: WebSocketClient,
  message: ClientMessage,
): Promise<void> {
  // Mastodon ignores other types (e.g. a client's own keep-alive).
  if (message.type !== "subscribe" && message.type !== "unsubscribe") return;
  const spec = parseStream(message.stream, { tag: message.tag, list: message.list });
  if (message.type === "subscribe") await hub.subscribe(client, spec);
  else client.removeStream(spec);
}

const queryParams = (q: URLSearchParams) => ({
  tag: q.get("tag") ?? undefined,
  list: q.get("list") ?? undefined,
});

/** Refuses an upgrade with Mastodon's JSON error shape. */
function refuse(
  socket: Duplex,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: message });
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n` +
      extra.join("") +
      "Content-Type: application/json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
}
