// POST /api/v1/apps (register a client) and GET /api/v1/apps/verify_credentials.
import { Hono } from "hono";
import type { Context } from "../../domain/context.ts";
import { DomainError, notFound, validation } from "../../domain/errors.ts";
import {
  createApplication,
  getApplication,
  type OAuthApplication,
} from "../../domain/oauth/applications.ts";
import { vapidKeys } from "../../domain/push/vapid.ts";
import type { AppEnv } from "../auth.ts";
import { stringParam, WRONG_TYPE } from "../oauth/input.ts";
import { bodyParams } from "../params.ts";

/**
 * The Application entity; with `credentials`, the CredentialApplication given at creation.
 * `vapid_key` is deprecated in Mastodon (clients read the instance's) but still sent.
 */
export function renderApplication(app: OAuthApplication, vapidKey: string, credentials = false) {
  return {
    id: app.id,
    name: app.name,
    website: app.website,
    scopes: app.scopes,
    redirect_uris: app.redirectUris,
    redirect_uri: app.redirectUris.join("\n"),
    vapid_key: vapidKey,
    ...(credentials
      ? {
          client_id: app.clientId,
          client_secret: app.clientSecret,
          client_secret_expires_at: 0,
        }
      : {}),
  };
}

const LABELS: Record<string, string> = {
  client_name: "Name",
  redirect_uris: "Redirect URI",
  scopes: "Scopes",
  website: "Website",
};

export function appsRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/api/v1/apps", async (c) => {
    const params = await bodyParams(c);
    const text = (key: string) => {
      const value = stringParam(params, key);
      if (value === WRONG_TYPE) throw validation(`Validation failed: ${LABELS[key]} is invalid`);
      return value;
    };
    const rawUris = params.redirect_uris;
    let redirectUris: string | string[];
    if (Array.isArray(rawUris)) {
      if (!rawUris.every((u) => typeof u === "string"))
        throw validation("Validation failed: Redirect URI must be an absolute URI.");
      redirectUris = rawUris as string[];
    } else {
      redirectUris = text("redirect_uris") ?? "";
    }
    const scopes = Array.isArray(params.scopes)
      ? params.scopes.every((s) => typeof s === "string")
        ? (params.scopes as string[]).join(" ")
        : undefined
      : text("scopes");
    if (Array.isArray(params.scopes) && scopes === undefined)
      throw validation("Validation failed: Scopes doesn't match configured on the server.");
    const created = await createApplication(ctx, {
      name: text("client_name") ?? "",
      website: text("website") ?? null,
      redirectUris,
      scopes: scopes ?? null,
    });
    return c.json(renderApplication(created, (await vapidKeys(ctx)).publicKey, true));
  });

  app.get("/api/v1/apps/verify_credentials", async (c) => {
    // Any token of the application will do (Mastodon 4.3 stopped asking for `read`).
    const auth = c.get("auth");
    if (!auth) throw new DomainError("unauthorized", "The access token is invalid");
    const applicationId = auth.grant.applicationId;
    if (!applicationId) throw notFound();
    return c.json(
      renderApplication(await getApplication(ctx, applicationId), (await vapidKeys(ctx)).publicKey),
    );
  });

  return app;
}
