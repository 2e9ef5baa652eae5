// POST /api/v1/emails/confirmations (send the confirmation link again, optionally to a corrected
// `email`) and GET /api/v1/emails/check_confirmation (true once the address is confirmed), for
// apps whose user has signed up and waits for the mail. Such a user's token cannot pass the
// usual checks yet, so `authenticate` leaves these paths alone and they read the token here.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import {
  requireTokenScope,
  resendConfirmation,
  type TokenUser,
  userOfToken,
} from "../../domain/accounts/confirmation-resend.ts";
import type { Context } from "../../domain/context.ts";
import { DomainError, validation } from "../../domain/errors.ts";
import { type AppEnv, bearerToken } from "../auth.ts";
import { stringParam, WRONG_TYPE } from "../oauth/input.ts";
import { bodyParams } from "../params.ts";

/** Paths that read their token themselves (see `authenticate`). */
export const EMAIL_PATHS = new Set([
  "/api/v1/emails/confirmations",
  "/api/v1/emails/check_confirmation",
]);

async function tokenUser(ctx: Context, c: HonoContext<AppEnv>): Promise<TokenUser> {
  const token = bearerToken(c);
  const user = token ? await userOfToken(ctx, token) : null;
  if (!user) throw new DomainError("unauthorized", "The access token is invalid");
  return user;
}

export function emailRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/api/v1/emails/confirmations", async (c) => {
    const user = await tokenUser(ctx, c);
    requireTokenScope(user, "write:accounts");
    const email = stringParam(await bodyParams(c), "email");
    if (email === WRONG_TYPE)
      throw validation("Validation failed: Email is invalid", {
        email: [{ error: "ERR_INVALID", description: "is invalid" }],
      });
    await resendConfirmation(ctx, user, email);
    return c.json({});
  });

  app.get("/api/v1/emails/check_confirmation", async (c) => {
    const user = await tokenUser(ctx, c);
    requireTokenScope(user, "read:accounts");
    return c.json(user.confirmed);
  });

  return app;
}
