// What happens when an inbox says a delivery can never succeed (404 or 410, or the circuit
// breaker held it too long): Fedify stops retrying and Kith logs it; an activity held until it
// expired also counts as a failure of its host (outcomes.ts). Followers whose inbox is gone
// are kept for now; removing them needs the Delete{actor} handling of the inbound side.
import type { Federation } from "@fedify/fedify";
import type { Context as KithContext } from "../../domain/context.ts";
import { logger } from "../../logging.ts";
import { noteOutboxDropped } from "./outcomes.ts";

const log = logger("federation", "outbox");

export function registerOutbox(federation: Federation<KithContext>): void {
  federation.setOutboxPermanentFailureHandler((_fctx, failure) => {
    if (failure.reason === "circuit-breaker-ttl") noteOutboxDropped();
    log.warn("Gave up delivering {activityId} to {inbox} ({reason}, HTTP {status})", {
      activityId: failure.activity.id?.href ?? null,
      inbox: failure.inbox.href,
      reason: failure.reason,
      status: failure.statusCode,
    });
  });
}
