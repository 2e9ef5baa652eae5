// /settings/applications: the signed-in user's own applications (personal access tokens).
// Creating one shows its access token once; deleting one revokes its tokens.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Context } from "../../domain/context.ts";
import { DomainError } from "../../domain/errors.ts";
import { deleteOwnedApplication, listOwnedApplications } from "../../domain/oauth/applications.ts";
import { createPersonalToken } from "../../domain/oauth/personal-tokens.ts";
import { ALL_SCOPES } from "../../domain/oauth/scopes.ts";
import { isStaff } from "../../domain/viewer.ts";
import { csrfField, input, readForm } from "./forms.ts";
import { type Html, renderPage } from "./layout.ts";
import { csrfToken, csrfValid, type PageEnv, webSession } from "./web-session.ts";

const PATH = "/settings/applications";

export function applicationsRoutes(ctx: Context): Hono<PageEnv> {
  const app = new Hono<PageEnv>();
  app.use(PATH, webSession(ctx));
  app.use(`${PATH}/*`, webSession(ctx));

  async function show(
    c: HonoContext<PageEnv>,
    extra: { created?: Html; error?: string; name?: string; checked?: string[] } = {},
    status: ContentfulStatusCode = 200,
  ) {
    const viewer = c.get("viewer")!;
    const csrf = csrfToken(ctx, c);
    const apps = await listOwnedApplications(ctx, viewer.accountId);
    const scopes = ALL_SCOPES.filter((s) => !s.startsWith("admin:") || isStaff(viewer));
    const checked = new Set(extra.checked ?? ["read", "write", "follow", "push"]);
    const body = html`${extra.created ?? ""}
      <div class="card">
        <h1>Your applications</h1>
        ${
          apps.length === 0
            ? html`<p class="muted">You have no applications of your own yet.</p>`
            : html`<ul id="applications">${apps.map(
                (
                  a,
                ) => html`<li><strong>${a.name}</strong> <span class="muted">${a.scopes.join(" ")}</span>
                  <form method="post" action="${PATH}/${a.id}/delete" style="display:inline">
                    ${csrfField(csrf)}<button type="submit" class="secondary">Delete</button>
                  </form></li>`,
              )}</ul>`
        }
      </div>
      <div class="card">
        <h2>New application</h2>
        <p class="muted">Make an access token for a script or a tool of your own. It acts as you, within the scopes you tick.</p>
        ${extra.error ? html`<p class="error" role="alert">${extra.error}</p>` : ""}
        <form method="post" action="${PATH}">
          ${csrfField(csrf)}
          ${input({ name: "name", label: "Application name", value: extra.name, required: true, maxlength: 60 })}
          <fieldset><legend>Scopes</legend><ul class="scopes">${scopes.map(
            (s) => html`<li><label class="check"><input type="checkbox" name="scopes[]" value="${s}"
              ${checked.has(s) ? html`checked` : ""} /> <code>${s}</code></label></li>`,
          )}</ul></fieldset>
          <div class="actions"><button type="submit">Create</button></div>
        </form>
      </div>`;
    return renderPage(
      c,
      ctx.config,
      { title: "Applications", viewer, csrf, body, noindex: true },
      status,
    );
  }

  const signInFirst = (c: HonoContext<PageEnv>) =>
    c.redirect(`/auth/sign_in?return_to=${encodeURIComponent(PATH)}`, 303);

  app.get(PATH, async (c) => (c.get("viewer") ? show(c) : signInFirst(c)));

  app.post(PATH, async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) return signInFirst(c);
    const form = await readForm(c);
    const rawScopes = form.params.scopes;
    const scopes = Array.isArray(rawScopes)
      ? rawScopes.filter((s): s is string => typeof s === "string")
      : [];
    const name = form.get("name").slice(0, 200);
    if (!csrfValid(ctx, c, form.get("authenticity_token"))) {
      return show(
        c,
        { error: "Your session expired. Please try again.", name, checked: scopes },
        403,
      );
    }
    try {
      const { application, token } = await createPersonalToken(ctx, viewer.accountId, {
        name,
        scopes,
      });
      const created = html`<div class="card" id="created">
        <h2>${application.name} is ready</h2>
        <p>Your access token (shown only this once; keep it secret):</p>
        <code class="token" id="access-token">${token.accessToken}</code>
        <p class="muted">Scopes: ${token.scopes.join(" ")}</p>
      </div>`;
      return show(c, { created });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return show(c, { error: error.message, name, checked: scopes }, 422);
    }
  });

  app.post(`${PATH}/:id/delete`, async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) return signInFirst(c);
    const form = await readForm(c);
    if (!csrfValid(ctx, c, form.get("authenticity_token"))) {
      return show(c, { error: "Your session expired. Please try again." }, 403);
    }
    const id = c.req.param("id");
    try {
      if (!/^\d{1,19}$/.test(id)) throw new DomainError("not_found", "Record not found");
      await deleteOwnedApplication(ctx, viewer.accountId, id);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return show(c, { error: "No such application." }, 404);
    }
    return c.redirect(PATH, 303);
  });

  return app;
}
