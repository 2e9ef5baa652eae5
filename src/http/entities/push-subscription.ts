// The WebPushSubscription entity.
import { alertsOf, type SubscriptionRow } from "../../domain/push/subscriptions.ts";

export function renderPushSubscription(row: SubscriptionRow, serverKey: string) {
  return {
    id: row.id,
    endpoint: row.endpoint,
    standard: row.standard === 1,
    alerts: alertsOf(row),
    server_key: serverKey,
    policy: row.policy,
  };
}
