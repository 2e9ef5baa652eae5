// Web Push subscriptions (Mastodon's Web::PushSubscription): one per access token, replaced
// when the client subscribes again with that token, gone with the token. Each says which
// notification types to push (`alerts`) and from whom (`policy`).
import { ECDH } from "node:crypto";
import type { Selectable } from "kysely";
import { newId } from "../../db/ids.ts";
import type { WebPushSubscriptionsTable } from "../../db/schema.ts";
import { type Context, inTransaction } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import { NOTIFICATION_TYPES } from "../notifications/notify.ts";
import type { Viewer } from "../viewer.ts";
import { sealToken } from "./sealed-token.ts";

export type PushPolicy = "all" | "followed" | "follower" | "none";
export const PUSH_POLICIES: readonly PushPolicy[] = ["all", "followed", "follower", "none"];
export type Alerts = Record<string, boolean>;

export type SubscriptionRow = Selectable<WebPushSubscriptionsTable>;

/** As Mastodon, the whole `data` is replaced: unnamed types are off, the policy is `all`. */
export interface SubscriptionData {
  alerts?: Record<string, boolean>;
  policy?: string;
}

export interface NewSubscription extends SubscriptionData {
  endpoint: string;
  p256dh: string;
  auth: string;
  standard?: boolean;
}

const MAX_ENDPOINT_LENGTH = 2048;

/** Who is subscribing: the user and the access token the subscription belongs to. */
export interface Subscriber {
  viewer: Viewer;
  tokenId: string;
  accessToken: string;
}

export const alertsOf = (row: SubscriptionRow): Alerts => {
  const stored = JSON.parse(row.alerts) as Alerts;
  return Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, stored[t] === true]));
};

const normalAlerts = (given: Record<string, boolean> | undefined): Alerts =>
  Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, given?.[t] === true]));

function checkPolicy(policy: string | undefined): PushPolicy | undefined {
  if (policy === undefined) return undefined;
  if (!PUSH_POLICIES.includes(policy as PushPolicy))
    throw validation(
      `Validation failed: Policy '${policy}' is not one of all, followed, follower, none`,
    );
  return policy as PushPolicy;
}

function checkEndpoint(ctx: Context, endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw validation("Validation failed: Endpoint is not a valid URL");
  }
  const schemes = ctx.config.devMode ? ["https:", "http:"] : ["https:"];
  if (!schemes.includes(url.protocol) || endpoint.length > MAX_ENDPOINT_LENGTH)
    throw validation("Validation failed: Endpoint is not a valid URL");
  return url.href;
}

/** RFC 8291 keys: the client's P-256 public key and a 16-byte secret, in (url-safe) base64. */
function checkKeys(p256dh: string, auth: string): { p256dh: string; auth: string } {
  const key = Buffer.from(p256dh, "base64");
  try {
    ECDH.convertKey(key, "prime256v1", undefined, undefined, "uncompressed");
  } catch {
    throw validation("Validation failed: Key p256dh is invalid");
  }
  const secret = Buffer.from(auth, "base64");
  if (secret.length < 16) throw validation("Validation failed: Key auth is invalid");
  return { p256dh: key.toString("base64url"), auth: secret.toString("base64url") };
}

export async function getSubscription(ctx: Context, tokenId: string): Promise<SubscriptionRow> {
  const row = await ctx.db.kysely
    .selectFrom("web_push_subscriptions")
    .selectAll()
    .where("token_id", "=", tokenId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** Subscribes with this token, replacing the token's earlier subscription. */
export async function subscribe(
  ctx: Context,
  who: Subscriber,
  input: NewSubscription,
): Promise<SubscriptionRow> {
  const endpoint = checkEndpoint(ctx, input.endpoint);
  const keys = checkKeys(input.p256dh, input.auth);
  const policy = checkPolicy(input.policy) ?? "all";
  const alerts = normalAlerts(input.alerts);
  const now = new Date().toISOString();
  const row: SubscriptionRow = {
    id: newId(),
    account_id: who.viewer.accountId,
    token_id: who.tokenId,
    endpoint,
    key_p256dh: keys.p256dh,
    key_auth: keys.auth,
    standard: input.standard ? 1 : 0,
    alerts: JSON.stringify(alerts),
    policy,
    sealed_token: sealToken(ctx.config.secretKey, who.accessToken),
    created_at: now,
    updated_at: now,
  };
  await inTransaction(ctx, async (_tctx, trx) => {
    await trx.deleteFrom("web_push_subscriptions").where("token_id", "=", who.tokenId).execute();
    await trx.insertInto("web_push_subscriptions").values(row).execute();
  });
  return row;
}

/** Sets the alerts and policy of the token's subscription. */
export async function updateSubscription(
  ctx: Context,
  tokenId: string,
  data: SubscriptionData,
): Promise<SubscriptionRow> {
  const current = await getSubscription(ctx, tokenId);
  const policy = checkPolicy(data.policy) ?? "all";
  const alerts = JSON.stringify(normalAlerts(data.alerts));
  const updatedAt = new Date().toISOString();
  await ctx.db.kysely
    .updateTable("web_push_subscriptions")
    .set({ alerts, policy, updated_at: updatedAt })
    .where("id", "=", current.id)
    .execute();
  return { ...current, alerts, policy, updated_at: updatedAt };
}

export async function unsubscribe(ctx: Context, tokenId: string): Promise<void> {
  await ctx.db.kysely
    .deleteFrom("web_push_subscriptions")
    .where("token_id", "=", tokenId)
    .execute();
}
