// Binding the HTTP(S) server and closing it gracefully.
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { type ServerType, serve } from "@hono/node-server";

/** With `tls` (PEM certificate chain and key) the server speaks HTTPS only. */
export function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  host: string,
  port: number,
  tls: { cert: string; key: string } | null = null,
) {
  return new Promise<{ server: ServerType; port: number }>((resolve, reject) => {
    const options = tls
      ? { fetch, hostname: host, port, createServer: createHttpsServer, serverOptions: tls }
      : { fetch, hostname: host, port };
    const server = serve(options, (info: AddressInfo) => resolve({ server, port: info.port }));
    if (tls) trackSockets(server);
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(new Error(`cannot listen on ${host}:${port} (${error.code ?? error.message})`));
    });
  });
}

// HTTP's closeAllConnections only knows connections that reached HTTP. Over TLS, a client that
// connected but never finished its handshake would hold close() for the 120 s handshake timeout,
// so HTTPS servers keep their raw sockets to cut them too.
const rawSockets = new WeakMap<ServerType, Set<Socket>>();

function trackSockets(server: ServerType): void {
  const sockets = new Set<Socket>();
  rawSockets.set(server, sockets);
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
}

/** Stops accepting connections, lets in-flight requests finish, and cuts the rest at the timeout. */
export function closeServer(server: ServerType, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      if ("closeAllConnections" in server) server.closeAllConnections();
      for (const socket of rawSockets.get(server) ?? []) socket.destroy();
    }, timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    if ("closeIdleConnections" in server) server.closeIdleConnections();
  });
}
