// The HTTP application: middleware, the error shape, and every route group mounted in one place.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { Context } from "../domain/context.ts";
import { instanceRoutes } from "./api/instance.ts";
import { type AppEnv, authenticate } from "./auth.ts";
import { errorResponse } from "./errors.ts";
import { healthRoutes } from "./health.ts";
import { requestLog } from "./middleware/request-log.ts";
import { setPublicOrigin } from "./pagination.ts";
import { staticRoutes } from "./static.ts";

// As Mastodon's rack-cors set-up: any origin, no credentials, the pagination and rate-limit
// headers exposed to browser clients such as Phanpy and Elk.
const apiCors = cors({
  origin: "*",
  allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "Accept", "X-Requested-With"],
  exposeHeaders: [
    "Link",
    "X-RateLimit-Reset",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-Request-Id",
  ],
  maxAge: 86400,
});

export function createApp(ctx: Context): Hono<AppEnv> {
  setPublicOrigin(ctx.config.origin);
  const app = new Hono<AppEnv>();
  app.use(requestLog);
  for (const path of ["/api/*", "/oauth/*", "/.well-known/*", "/nodeinfo/*"])
    app.use(path, apiCors);
  app.use(
    bodyLimit({
      maxSize: ctx.config.maxBodyBytes,
      // The unread rest of the body is still on the socket, so the connection cannot be reused.
      onError: (c) => c.json({ error: "Payload too large" }, 413, { Connection: "close" }),
    }),
  );

  app.use("/api/*", authenticate(ctx));
  app.use("/oauth/userinfo", authenticate(ctx));

  // Route groups; each module exports a function (ctx) => Hono<AppEnv>.
  app.route("/", healthRoutes(ctx));
  app.route("/", instanceRoutes(ctx));
  app.route("/", staticRoutes());

  app.notFound((c) => c.json({ error: "Record not found" }, 404));
  app.onError(errorResponse);
  return app;
}
