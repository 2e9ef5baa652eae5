// GET /oauth/authorize shows the consent page (after the sign-in form, when needed, which comes
// back here with every parameter); POST /oauth/authorize records the user's answer. Problems
// with the client or redirect URI are shown on a page; others go back to the client.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { Context } from "../../domain/context.ts";
import {
  type AuthorizationCheck,
  type AuthorizationParams,
  approveAuthorization,
  checkAuthorization,
  denyAuthorization,
  redirectWith,
} from "../../domain/oauth/authorization.ts";
import { csrfField, hidden, readForm } from "../pages/forms.ts";
import { renderPage } from "../pages/layout.ts";
import { signInPage } from "../pages/sign-in.ts";
import { csrfToken, csrfValid, type PageEnv, webSession } from "../pages/web-session.ts";
import { toBool } from "../params.ts";

const PARAMS = [
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "code_challenge",
  "code_challenge_method",
] as const;
type Raw = Partial<Record<(typeof PARAMS)[number], string>>;

const SCOPE_TEXT: Record<string, string> = {
  read: "Read all your account's data",
  write: "Change all your account's data",
  follow: "Follow, block and mute accounts",
  push: "Receive push notifications",
  profile: "Read only your account's basic profile",
  "admin:read": "Read all data on the server (moderators only)",
  "admin:write": "Moderate the server (moderators only)",
};

const describeScope = (scope: string) => {
  const [group, ...rest] = scope.split(":");
  if (SCOPE_TEXT[scope]) return SCOPE_TEXT[scope];
  if (group === "admin") return `Administration: ${rest.join(" ")}`;
  return `${group === "read" ? "Read" : "Change"} your ${rest.join(" ").replace(/_/g, " ")}`;
};

function toParams(raw: Raw): AuthorizationParams {
  return {
    responseType: raw.response_type,
    clientId: raw.client_id,
    redirectUri: raw.redirect_uri,
    scope: raw.scope,
    state: raw.state,
    codeChallenge: raw.code_challenge,
    codeChallengeMethod: raw.code_challenge_method,
  };
}

const authorizeUrl = (raw: Raw) => {
  const query = new URLSearchParams();
  for (const key of PARAMS) if (raw[key]) query.set(key, raw[key]);
  return `/oauth/authorize?${query}`;
};

export function authorizeRoutes(ctx: Context): Hono<PageEnv> {
  const app = new Hono<PageEnv>();
  app.use("/oauth/authorize", webSession(ctx));

  const page = (
    c: HonoContext<PageEnv>,
    title: string,
    body: ReturnType<typeof html>,
    status: 200 | 400 | 403 = 200,
  ) =>
    renderPage(
      c,
      ctx.config,
      { title, viewer: c.get("viewer"), csrf: csrfToken(ctx, c), body, noindex: true },
      status,
    );

  /** Sends an invalid request back to the client, or explains it when that is not safe. */
  const refuse = (c: HonoContext<PageEnv>, check: Extract<AuthorizationCheck, { ok: false }>) => {
    if (check.redirectUri) {
      return c.redirect(
        redirectWith(check.redirectUri, {
          error: check.error.code,
          error_description: check.error.message,
          state: check.state,
        }),
        302,
      );
    }
    return page(
      c,
      "Authorization failed",
      html`<div class="card"><h1>Authorization failed</h1>
        <p class="error" id="oauth-error" data-error="${check.error.code}">${check.error.message}</p></div>`,
      400,
    );
  };

  app.get("/oauth/authorize", async (c) => {
    const raw: Raw = {};
    for (const key of PARAMS) {
      const value = c.req.query(key);
      if (value) raw[key] = value;
    }
    const check = await checkAuthorization(ctx, toParams(raw));
    if (!check.ok) return refuse(c, check);
    const viewer = c.get("viewer");
    if (!viewer || toBool(c.req.query("force_login"))) {
      return signInPage(ctx, c, {
        returnTo: authorizeUrl(raw),
        notice: `Sign in to authorize ${check.request.application.name}.`,
      });
    }
    const { application, scopes } = check.request;
    const body = html`<div class="card">
      <h1>Authorize ${application.name}?</h1>
      <p><strong>${application.name}</strong>
        ${application.website ? html`(<a href="${application.website}" rel="noopener noreferrer nofollow">${application.website}</a>)` : ""}
        would like to use your account <strong>@${viewer.username}</strong>. It asks to:</p>
      <ul class="scopes">${scopes.map((s) => html`<li><code>${s}</code>: ${describeScope(s)}</li>`)}</ul>
      <form method="post" action="/oauth/authorize">
        ${csrfField(csrfToken(ctx, c))} ${PARAMS.map((key) => hidden(key, raw[key]))}
        <div class="actions">
          <button type="submit" name="decision" value="approve">Authorize</button>
          <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
        </div>
      </form>
      <p class="muted">Not @${viewer.username}? <a href="${`${authorizeUrl(raw)}&force_login=true`}">Sign in as someone else</a>.</p>
    </div>`;
    return page(c, `Authorize ${application.name}`, body);
  });

  app.post("/oauth/authorize", async (c) => {
    const form = await readForm(c);
    const raw: Raw = {};
    for (const key of PARAMS) if (form.get(key)) raw[key] = form.get(key);
    const viewer = c.get("viewer");
    if (!viewer) return signInPage(ctx, c, { returnTo: authorizeUrl(raw) }, 403);
    if (!csrfValid(ctx, c, form.get("authenticity_token"))) {
      return page(
        c,
        "Authorization failed",
        html`<div class="card"><h1>Authorization failed</h1>
          <p class="error">Your session expired. <a href="${authorizeUrl(raw)}">Please try again</a>.</p></div>`,
        403,
      );
    }
    const check = await checkAuthorization(ctx, toParams(raw));
    if (!check.ok) return refuse(c, check);
    if (form.get("decision") !== "approve") {
      const back = denyAuthorization(check.request);
      if (back) return c.redirect(back, 302);
      return page(
        c,
        "Authorization denied",
        html`<div class="card"><h1>Authorization denied</h1>
        <p>You did not authorize ${check.request.application.name}. You can close this page.</p></div>`,
      );
    }
    const { code, redirect } = await approveAuthorization(ctx, check.request, viewer);
    if (redirect) return c.redirect(redirect, 302);
    return page(
      c,
      "Authorization code",
      html`<div class="card"><h1>Authorization code</h1>
        <p>Copy this code and paste it into ${check.request.application.name}:</p>
        <code class="token" id="authorization-code">${code}</code></div>`,
    );
  });

  return app;
}
