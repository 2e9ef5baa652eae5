// POST /api/v1/accounts: sign-up through a client application, answered with a Token for the
// new user. The per-IP sign-up limit is applied by the rate-limit middleware.
import { Hono } from "hono";
import { signUp } from "../../domain/accounts/registration.ts";
import type { Context } from "../../domain/context.ts";
import { validation } from "../../domain/errors.ts";
import { getApplication } from "../../domain/oauth/applications.ts";
import { type AppEnv, requireScope } from "../auth.ts";
import { clientIp } from "../middleware/rate-limit.ts";
import { stringParam, WRONG_TYPE } from "../oauth/input.ts";
import { renderToken } from "../oauth/token.ts";
import { bodyParams, toBool } from "../params.ts";

const FIELDS = ["username", "email", "password", "locale", "reason", "invite_code"] as const;

export function registrationRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/api/v1/accounts", async (c) => {
    const auth = requireScope(c, "write:accounts");
    const params = await bodyParams(c);
    const values: Partial<Record<(typeof FIELDS)[number], string>> = {};
    const wrong: Record<string, { error: string; description: string }[]> = {};
    for (const field of FIELDS) {
      const value = stringParam(params, field);
      if (value === WRONG_TYPE)
        wrong[field] = [{ error: "ERR_INVALID", description: "is invalid" }];
      else if (value !== undefined) values[field] = value;
    }
    if (Object.keys(wrong).length > 0) {
      throw validation(
        `Validation failed: ${Object.keys(wrong)
          .map((f) => `${f[0]!.toUpperCase()}${f.slice(1).replace("_", " ")} is invalid`)
          .join(", ")}`,
        wrong,
      );
    }
    const application = auth.grant.applicationId
      ? await getApplication(ctx, auth.grant.applicationId)
      : null;
    const created = await signUp(ctx, {
      username: values.username ?? "",
      email: values.email ?? "",
      password: values.password ?? "",
      agreement: toBool(params.agreement) === true,
      locale: values.locale,
      reason: values.reason,
      inviteCode: values.invite_code,
      ip: clientIp(c),
      // Mastodon gives the new user's token the application's registered scopes.
      application: application
        ? { id: application.id, scopes: application.scopes }
        : { id: null, scopes: auth.grant.scopes },
    });
    if (!created.token) throw new Error("sign-up through the API always issues a token");
    return c.json(renderToken(created.token));
  });

  return app;
}
