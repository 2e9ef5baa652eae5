// The domain events streaming hears (told by a worker, like the outbox's): today only a change
// of an account's keyword filters, which its `user` streams announce as `filters_changed`.
import type { Context } from "../context.ts";
import { onDomainEvent } from "../events.ts";
import { streamFiltersChanged } from "./publish.ts";

export function subscribeStreaming(ctx: Context): () => void {
  return onDomainEvent(ctx, async (event) => {
    // KEYWORD FILTERS: the filters work adds `{ type: "filters.changed"; accountId }` to
    // DomainEvent; until it lands the type is matched as a string so this compiles either way.
    const { type, accountId } = event as { type: string; accountId?: unknown };
    if (type === "filters.changed" && typeof accountId === "string")
      await streamFiltersChanged(ctx, accountId);
  });
}
