// Conversions between Kith's times and Fedify's Temporal values. Node 24 has no global
// Temporal, so values come from @js-temporal/polyfill; Fedify's .d.ts files name the ambient
// `Temporal` of TypeScript's esnext.temporal lib, which the polyfill's types do not satisfy
// (TS2322 on TypeScript ≥ 6). The casts through `unknown` live here and nowhere else.
import { Temporal as Polyfill } from "@js-temporal/polyfill";

/** An ISO timestamp (or Date) as the Temporal.Instant Fedify's vocabulary expects. */
export function toInstant(value: string | Date): Temporal.Instant {
  const ms = typeof value === "string" ? Date.parse(value) : value.getTime();
  return Polyfill.Instant.fromEpochMilliseconds(ms) as unknown as Temporal.Instant;
}

/** A duration in milliseconds as the Temporal.Duration Fedify's options expect. */
export function toDuration(ms: number): Temporal.Duration {
  return Polyfill.Duration.from({ milliseconds: ms }) as unknown as Temporal.Duration;
}
