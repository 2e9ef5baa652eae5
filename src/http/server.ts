// Binding the HTTP server and closing it gracefully.
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";

export function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  host: string,
  port: number,
) {
  return new Promise<{ server: ServerType; port: number }>((resolve, reject) => {
    const server = serve({ fetch, hostname: host, port }, (info: AddressInfo) =>
      resolve({ server, port: info.port }),
    );
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(new Error(`cannot listen on ${host}:${port} (${error.code ?? error.message})`));
    });
  });
}

/** Stops accepting connections, lets in-flight requests finish, and cuts the rest at the timeout. */
export function closeServer(server: ServerType, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      if ("closeAllConnections" in server) server.closeAllConnections();
    }, timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    if ("closeIdleConnections" in server) server.closeIdleConnections();
  });
}
