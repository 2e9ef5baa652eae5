// The outbox's subscription to domain events, made in each process that runs a worker
// (src/main.ts), which tells it of each event recorded in the database (domain/events.ts). It
// decides from the database alone whether anyone remote is concerned, and imports Fedify (with
// deliver.ts) only for the first event that has to go out: a server that never federates never
// loads it.
import type { Context } from "../../domain/context.ts";
import { onDomainEvent } from "../../domain/events.ts";
import { planDelivery } from "./plans.ts";

/** Turns this Kith's domain events into queued deliveries; returns the way to stop. */
export function subscribeOutbox(ctx: Context): () => void {
  return onDomainEvent(ctx, async (event) => {
    const plan = await planDelivery(ctx, event);
    if (!plan) return;
    const { deliver } = await import("./deliver.ts");
    await deliver(ctx, plan);
  });
}
