// GET /api/v1/instance (deprecated, still read by Tusky and megalodon) and GET /api/v2/instance.
import { Hono } from "hono";
import { registrationModeInForce } from "../../domain/accounts/registration-auto-approval.ts";
import type { Context } from "../../domain/context.ts";
import { contactAccount, instanceStats } from "../../domain/instance.ts";
import { vapidKeys } from "../../domain/push/vapid.ts";
import { rulesForMembers } from "../../domain/rules/published.ts";
import { type InstanceExtras, instanceV1, instanceV2 } from "../entities/instance.ts";

async function extras(ctx: Context): Promise<InstanceExtras> {
  return {
    rules: await rulesForMembers(ctx),
    contact: await contactAccount(ctx),
    registrationMode: await registrationModeInForce(ctx),
    vapidPublicKey: (await vapidKeys(ctx)).publicKey,
  };
}

export function instanceRoutes(ctx: Context): Hono {
  const app = new Hono();
  app.get("/api/v2/instance", async (c) =>
    c.json(instanceV2(ctx.config, await instanceStats(ctx), await extras(ctx))),
  );
  app.get("/api/v1/instance", async (c) => {
    c.header("Deprecation", "@1696118400");
    return c.json(instanceV1(ctx.config, await instanceStats(ctx), await extras(ctx)));
  });
  return app;
}
