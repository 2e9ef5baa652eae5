/// <reference lib="esnext.temporal" />
// Reading the Temporal.Duration values Fedify passes in (TTLs, delays) without loading a
// Temporal implementation: the value brings its own methods.

/** How long a duration lasts in milliseconds; months and years count from today. */
export function durationMs(duration: Temporal.Duration): number {
  try {
    return duration.total("millisecond");
  } catch {
    // Calendar units need a starting point; Temporal accepts a plain date string.
    const relativeTo = new Date().toISOString().slice(0, 10);
    return duration.total({ unit: "millisecond", relativeTo });
  }
}
