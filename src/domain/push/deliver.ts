// Sending one push (Mastodon's Web::PushNotificationWorker): the payload encrypted for the
// subscription and signed with the server's VAPID key, with a TTL of 48 hours and normal
// urgency. A `standard` subscription gets RFC 8291 (aes128gcm) and RFC 8292 (`vapid t=…, k=…`);
// any other gets what Mastodon sent before 4.4 and older apps still decrypt themselves: the
// draft encoding (aesgcm, with `Encryption` and `Crypto-Key`) and `WebPush <JWT>`. The push service's answer decides what happens next:
// 2xx is done; any other 4xx but 408 and 429 means the subscription is gone or bad, so it is
// deleted; anything else (429, 5xx, a network error, a timeout) throws, and the job queue
// retries with backoff. Endpoints on private or loopback addresses are refused outside
// development mode, and every request is bounded in time.
import { validatePublicUrl } from "@fedify/fedify";
import webpush from "web-push";
import { logger } from "../../logging.ts";
import type { Context } from "../context.ts";
import type { NotificationRow } from "../notifications/queries.ts";
import type { PushJob } from "./enqueue.ts";
import { pushPayload } from "./payload.ts";
import type { SubscriptionRow } from "./subscriptions.ts";
import { vapidKeys, vapidSubject } from "./vapid.ts";

const TTL_SECONDS = 48 * 3600;
const TIMEOUT_MS = 10_000;
const log = logger("push");

export class PushError extends Error {
  override name = "PushError";
}

export async function pushJob(ctx: Context, payload: unknown): Promise<void> {
  const { subscriptionId, notificationId } = payload as PushJob;
  const { kysely } = ctx.db;
  const subscription = await kysely
    .selectFrom("web_push_subscriptions as w")
    .innerJoin("oauth_tokens as t", "t.id", "w.token_id")
    .selectAll("w")
    .select("t.revoked_at")
    .where("w.id", "=", subscriptionId)
    .executeTakeFirst();
  if (!subscription) return;
  if (subscription.revoked_at) return forget(ctx, subscription, "its access token was revoked");
  const notification = await kysely
    .selectFrom("notifications")
    .selectAll()
    .where("id", "=", notificationId)
    .where("account_id", "=", subscription.account_id)
    .executeTakeFirst();
  if (!notification || notification.filtered) return;
  if (!(await policyAllows(ctx, subscription.policy, notification))) return;
  const message = await pushPayload(ctx, subscription, notification);
  if (message !== null) await send(ctx, subscription, message);
}

/** Mastodon's `policy_allows_notification?`. */
async function policyAllows(ctx: Context, policy: string, n: NotificationRow): Promise<boolean> {
  if (policy === "all") return true;
  if (policy === "none" || !n.from_account_id) return false;
  const [follower, target] =
    policy === "followed" ? [n.account_id, n.from_account_id] : [n.from_account_id, n.account_id];
  const follow = await ctx.db.kysely
    .selectFrom("follows")
    .select("id")
    .where("account_id", "=", follower)
    .where("target_account_id", "=", target)
    .executeTakeFirst();
  return !!follow;
}

async function send(ctx: Context, subscription: SubscriptionRow, message: string): Promise<void> {
  const url = new URL(subscription.endpoint);
  const schemes = ctx.config.devMode ? ["https:", "http:"] : ["https:"];
  let refused = !schemes.includes(url.protocol);
  if (!refused && !ctx.config.devMode) {
    try {
      await validatePublicUrl(url.href);
    } catch {
      refused = true;
    }
  }
  if (refused) return forget(ctx, subscription, "its endpoint is not a public https URL");

  const keys = await vapidKeys(ctx);
  const details = webpush.generateRequestDetails(
    {
      endpoint: subscription.endpoint,
      keys: { p256dh: subscription.key_p256dh, auth: subscription.key_auth },
    },
    message,
    {
      TTL: TTL_SECONDS,
      urgency: "normal",
      contentEncoding: subscription.standard ? "aes128gcm" : "aesgcm",
      vapidDetails: {
        subject: vapidSubject(ctx.config),
        publicKey: keys.publicKey,
        privateKey: keys.privateKey,
      },
    },
  );
  const headers = new Headers();
  for (const [name, value] of Object.entries(details.headers)) {
    // fetch sets the length of the body itself.
    if (name.toLowerCase() !== "content-length") headers.set(name, String(value));
  }
  let response: Response;
  try {
    response = await fetch(details.endpoint, {
      method: "POST",
      headers,
      body: details.body as Buffer<ArrayBuffer>,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new PushError(`push to ${url.host} failed: ${(error as Error).message}`);
  }
  await response.body?.cancel();
  const { status } = response;
  if (status >= 200 && status < 300) return;
  if (status >= 400 && status < 500 && status !== 408 && status !== 429)
    return forget(ctx, subscription, `its push service answered ${status}`);
  throw new PushError(`push service ${url.host} answered ${status}`);
}

async function forget(ctx: Context, subscription: SubscriptionRow, why: string): Promise<void> {
  log.info("Deleting push subscription {id}: {why}", { id: subscription.id, why });
  await ctx.db.kysely
    .deleteFrom("web_push_subscriptions")
    .where("id", "=", subscription.id)
    .execute();
}
