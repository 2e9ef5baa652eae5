// The notification policy: GET/PATCH /api/v2/notifications/policy (accept, filter or drop per
// kind of sender) and the older v1 shape with booleans (GET/PUT /api/v1/notifications/policy).
// Rails routes a resource's update by PUT and PATCH alike, so both are accepted here too.
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import { validation } from "../../domain/errors.ts";
import {
  getPolicy,
  POLICY_RULES,
  type PolicyRule,
  policySummary,
  updatePolicy,
} from "../../domain/notifications/policy.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderPolicy, renderPolicyV1 } from "../entities/notification-request.ts";
import { bodyParams, toBool } from "../params.ts";

const V1_RULES: Record<string, PolicyRule> = {
  filter_not_following: "for_not_following",
  filter_not_followers: "for_not_followers",
  filter_new_accounts: "for_new_accounts",
  filter_private_mentions: "for_private_mentions",
};

export function notificationPolicyRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const show = async (accountId: string, v1: boolean) => {
    const [policy, summary] = await Promise.all([
      getPolicy(ctx, accountId),
      policySummary(ctx, accountId),
    ]);
    return v1 ? renderPolicyV1(policy, summary) : renderPolicy(policy, summary);
  };

  app.get("/api/v2/notifications/policy", async (c) => {
    const viewer = requireUser(c, "read:notifications");
    return c.json(await show(viewer.accountId, false));
  });

  app.on(["PATCH", "PUT"], "/api/v2/notifications/policy", async (c) => {
    const viewer = requireUser(c, "write:notifications");
    const params = await bodyParams(c);
    const changes: Partial<Record<PolicyRule, string>> = {};
    for (const rule of POLICY_RULES) {
      const value = params[rule];
      if (value === undefined || value === null || value === "") continue;
      if (typeof value !== "string")
        throw validation(`Validation failed: '${String(value)}' is not a valid ${rule}`);
      changes[rule] = value;
    }
    await updatePolicy(ctx, viewer.accountId, changes);
    return c.json(await show(viewer.accountId, false));
  });

  app.get("/api/v1/notifications/policy", async (c) => {
    const viewer = requireUser(c, "read:notifications");
    return c.json(await show(viewer.accountId, true));
  });

  app.on(["PUT", "PATCH"], "/api/v1/notifications/policy", async (c) => {
    const viewer = requireUser(c, "write:notifications");
    const params = await bodyParams(c);
    const changes: Partial<Record<PolicyRule, string>> = {};
    for (const [name, rule] of Object.entries(V1_RULES)) {
      const value = toBool(params[name]);
      if (value !== undefined) changes[rule] = value ? "filter" : "accept";
    }
    await updatePolicy(ctx, viewer.accountId, changes);
    return c.json(await show(viewer.accountId, true));
  });

  return app;
}
