// How each delivery attempt went, for the unavailable-hosts bookkeeping (availability.ts).
// Fedify handles an outbox message without telling its caller whether the inbox took it: a
// failure reaches `onOutboxError` (and is retried by a new message), a host whose circuit is
// open has its message held (re-enqueued with `circuitHeld`), and a success is silent. So the
// worker runs each outbox message inside an attempt record (AsyncLocalStorage) that those hooks
// fill in, and settles it afterwards. Messages to an unavailable host are dropped unsent, as
// Mastodon's DeliveryWorker does, and so are those to a server the federation policy blocks. No Fedify import: the worker loads this before Fedify.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Context } from "../../domain/context.ts";
import { isSuspendedUrl } from "../../domain/moderation/domain-policy.ts";
import { logger } from "../../logging.ts";
import {
  hostFailureState,
  hostOf,
  recordDeliveryFailure,
  recordHostsAnswered,
} from "./availability.ts";

type Outcome = "sent" | "failed" | "answered" | "held";

interface Attempt {
  outcome: Outcome;
  error?: string;
}

const attempts = new AsyncLocalStorage<Attempt>();
const log = logger("federation", "outbox");

/** The inbox of a queued Fedify outbox message; null for other messages (inbox, fan-out). */
function outboxInbox(message: unknown): string | null {
  if (typeof message !== "object" || message === null) return null;
  const { type, inbox } = message as { type?: unknown; inbox?: unknown };
  return type === "outbox" && typeof inbox === "string" ? inbox : null;
}

/** Runs `process` (Fedify's handling of `message`) and records how a delivery went. */
export async function settleQueuedMessage(
  ctx: Context,
  message: unknown,
  process: () => Promise<void>,
): Promise<void> {
  const inbox = outboxInbox(message);
  if (!inbox) return process();
  const host = hostOf(inbox);
  // Queued before its server was suspended (or taken off the allow list): dropped unsent.
  if (await isSuspendedUrl(ctx, inbox)) {
    log.info("Not delivering to {inbox}: {host} is blocked", { inbox, host });
    return;
  }
  const state = await hostFailureState(ctx, host);
  if (state === "unavailable") {
    log.info("Not delivering to {inbox}: {host} is unavailable", { inbox, host });
    return;
  }
  const attempt: Attempt = { outcome: "sent" };
  await attempts.run(attempt, process);
  if (attempt.outcome === "failed")
    await recordDeliveryFailure(ctx, inbox, attempt.error ?? "delivery failed");
  // Nothing to forget for a host without failures (most of them): no statement per delivery.
  // A failure another worker records meanwhile is forgotten at the host's next answer.
  else if (attempt.outcome !== "held" && state !== "none") await recordHostsAnswered(ctx, [host]);
}

/** Fedify's onOutboxError: the inbox failed, or answered with a client error (so it is up). */
export function noteOutboxError(error: unknown): void {
  const attempt = attempts.getStore();
  if (!attempt) return;
  const status = (error as { statusCode?: unknown }).statusCode;
  const answered =
    typeof status === "number" && status >= 400 && status < 500 && status !== 408 && status !== 429;
  attempt.outcome = answered ? "answered" : "failed";
  attempt.error = String(error).slice(0, 500);
}

/** A held message expired before its host recovered: a failure. */
export function noteOutboxDropped(): void {
  const attempt = attempts.getStore();
  if (!attempt) return;
  attempt.outcome = "failed";
  attempt.error = "held by the circuit breaker until it expired";
}

/** Seen on each enqueue: the message in hand was held back unsent (its host's circuit is open). */
export function noteOutboxEnqueued(message: unknown): void {
  const attempt = attempts.getStore();
  const held = (message as { circuitHeld?: unknown } | null)?.circuitHeld === true;
  if (attempt?.outcome === "sent" && held) attempt.outcome = "held";
}
