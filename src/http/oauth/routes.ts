// Everything about signing up, signing in and OAuth, as one route group for app.ts: client
// registration, sign-up, the OAuth endpoints and metadata, and the pages that go with them.
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import { appsRoutes } from "../api/apps.ts";
import { registrationRoutes } from "../api/registration.ts";
import { applicationsRoutes } from "../pages/applications.ts";
import { signInRoutes } from "../pages/sign-in.ts";
import { signUpRoutes } from "../pages/sign-up.ts";
import { authorizeRoutes } from "./authorize.ts";
import { metadataRoutes } from "./metadata.ts";
import { tokenRoutes } from "./token.ts";

export function authRoutes(ctx: Context): Hono {
  const app = new Hono();
  app.route("/", appsRoutes(ctx));
  app.route("/", registrationRoutes(ctx));
  app.route("/", tokenRoutes(ctx));
  app.route("/", metadataRoutes(ctx));
  app.route("/", authorizeRoutes(ctx));
  app.route("/", signInRoutes(ctx));
  app.route("/", signUpRoutes(ctx));
  app.route("/", applicationsRoutes(ctx));
  return app;
}
