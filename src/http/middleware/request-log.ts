// One log line per request, with its status and duration, and an X-Request-Id header.
import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { logger } from "../../logging.ts";

const log = logger("http", "request");

export const requestLog: MiddlewareHandler = async (c, next) => {
  const started = performance.now();
  const id = randomUUID();
  c.header("X-Request-Id", id);
  await next();
  const ms = (performance.now() - started).toFixed(1);
  log.info("{method} {path} {status} {ms}ms", {
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    ms,
    requestId: id,
  });
};
