// The domain events streaming hears (told by a worker, like the outbox's): today only a change
// of an account's keyword filters, which its `user` streams announce as `filters_changed`.
import type { Context } from "../context.ts";
import { onDomainEvent } from "../events.ts";
import { streamFiltersChanged } from "./publish.ts";

export function subscribeStreaming(ctx: Context): () => void {
  return onDomainEvent(ctx, async (event) => {
    if (event.type === "filters.changed") await streamFiltersChanged(ctx, event.accountId);
  });
}
