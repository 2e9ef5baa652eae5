// Errors are values with a kind; the edges (HTTP, federation, CLI) translate the kind into a
// status code or a refusal, and show the message as it is.
export type ErrorKind =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "gone"
  | "validation"
  | "rate_limited"
  | "unavailable";

export class DomainError extends Error {
  override name = "DomainError";
  readonly kind: ErrorKind;
  /** Extra structured detail, e.g. Mastodon's per-field registration errors. */
  readonly details?: Record<string, unknown>;

  constructor(kind: ErrorKind, message: string, details?: Record<string, unknown>) {
    super(message);
    this.kind = kind;
    if (details) this.details = details;
  }
}

export const notFound = () => new DomainError("not_found", "Record not found");

export const validation = (message: string, details?: Record<string, unknown>) =>
  new DomainError("validation", message, details);

export const forbidden = (message = "This action is not allowed") =>
  new DomainError("forbidden", message);
