// How long Fedify keeps retrying a delivery. Its default gives up after 10 attempts, about 17
// to 34 minutes; Mastodon retries 16 times over roughly two to three days, so a server that is
// down for a day still gets what was sent meanwhile. Here: 14 retries, the delay doubling from
// 30 seconds up to 12 hours, times a random 1–2 (Fedify's jitter): 53 to 65 hours in all.
// Fedify's circuit breaker holds messages for a host that keeps failing (up to 7 days) instead
// of spending these retries; hosts failing on 7 days are skipped altogether (availability.ts).
export const OUTBOX_RETRY = {
  initialDelay: { seconds: 30 },
  factor: 2,
  maxDelay: { hours: 12 },
  maxAttempts: 14,
} as const;
