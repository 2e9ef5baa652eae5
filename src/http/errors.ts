// Turns anything thrown by a handler into Mastodon's error shape: {"error": "..."} with the
// right status. A client never sees a stack trace; unexpected errors are logged here.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import { DomainError, type ErrorKind } from "../domain/errors.ts";
import { logger } from "../logging.ts";

const STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  validation: 422,
  rate_limited: 429,
  unavailable: 503,
};

const log = logger("http");

export function errorResponse(error: unknown, c: Context): Response {
  if (error instanceof DomainError) {
    return c.json(
      { error: error.message, ...(error.details ? { details: error.details } : {}) },
      STATUS[error.kind],
    );
  }
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return c.json(
      { error: `Validation failed: ${where}${issue?.message ?? "invalid input"}` },
      422,
    );
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    const message = error.status === 413 ? "Payload too large" : error.message || "Bad request";
    return c.json({ error: message }, status);
  }
  if (error instanceof SyntaxError) {
    return c.json({ error: "Malformed request body" }, 400);
  }
  log.error("Unhandled error on {method} {path}: {error}", {
    method: c.req.method,
    path: c.req.path,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  return c.json({ error: "Internal server error" }, 500);
}
