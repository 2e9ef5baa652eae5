// /api/v1/push/subscription: the Web Push subscription of the access token in use (scope
// `push`). POST subscribes (replacing the token's earlier subscription), GET shows it, PUT
// changes its alerts and policy, DELETE ends it.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import { DomainError } from "../../domain/errors.ts";
import {
  getSubscription,
  type SubscriptionData,
  subscribe,
  unsubscribe,
  updateSubscription,
} from "../../domain/push/subscriptions.ts";
import { vapidKeys } from "../../domain/push/vapid.ts";
import { type AppEnv, bearerToken, requireScope, requireUser } from "../auth.ts";
import { renderPushSubscription } from "../entities/push-subscription.ts";
import { bodyParams, type Params, toBool } from "../params.ts";

const missing = (name: string) =>
  new DomainError("bad_request", `param is missing or the value is empty: ${name}`);

const objectAt = (params: Params, key: string): Params | undefined => {
  const value = params[key];
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Params)
    : undefined;
};

const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;

/**
 * `data[alerts][<type>]` and `data[policy]`; anything else is ignored, as Mastodon. A policy
 * at the top level is read too: masto.js sends it there.
 */
function readData(params: Params): SubscriptionData {
  const data = objectAt(params, "data");
  if (!data) return { policy: text(params.policy) };
  const alerts: Record<string, boolean> = {};
  for (const [type, value] of Object.entries(objectAt(data, "alerts") ?? {}))
    alerts[type] = toBool(value) === true;
  return { alerts, policy: text(data.policy) ?? text(params.policy) };
}

function subscriber(c: HonoContext<AppEnv>) {
  const viewer = requireUser(c, "push");
  const auth = requireScope(c, "push");
  return { viewer, tokenId: auth.grant.tokenId, accessToken: bearerToken(c) ?? "" };
}

export function pushRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const PATH = "/api/v1/push/subscription";
  const render = async (row: Awaited<ReturnType<typeof getSubscription>>) =>
    renderPushSubscription(row, (await vapidKeys(ctx)).publicKey);

  app.post(PATH, async (c) => {
    const who = subscriber(c);
    const params = await bodyParams(c);
    const subscription = objectAt(params, "subscription");
    if (!subscription) throw missing("subscription");
    const keys = objectAt(subscription, "keys");
    const endpoint = text(subscription.endpoint);
    const p256dh = text(keys?.p256dh);
    const auth = text(keys?.auth);
    if (!endpoint) throw missing("subscription[endpoint]");
    if (!p256dh || !auth) throw missing("subscription[keys]");
    const row = await subscribe(ctx, who, {
      endpoint,
      p256dh,
      auth,
      standard: toBool(subscription.standard) === true,
      ...readData(params),
    });
    return c.json(await render(row));
  });

  app.get(PATH, async (c) => {
    const { tokenId } = subscriber(c);
    return c.json(await render(await getSubscription(ctx, tokenId)));
  });

  app.put(PATH, async (c) => {
    const { tokenId } = subscriber(c);
    const row = await updateSubscription(ctx, tokenId, readData(await bodyParams(c)));
    return c.json(await render(row));
  });

  app.delete(PATH, async (c) => {
    const { tokenId } = subscriber(c);
    await unsubscribe(ctx, tokenId);
    return c.json({});
  });

  return app;
}
