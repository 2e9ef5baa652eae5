// /auth/sign_in (e-mail and password) and POST /auth/sign_out. The sign-in form carries a
// `return_to` path so that flows such as /oauth/authorize continue where they left off.
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Context } from "../../domain/context.ts";
import { DomainError } from "../../domain/errors.ts";
import { signIn } from "../../domain/oauth/sign-in.ts";
import { signInLimited } from "../middleware/rate-limit.ts";
import { csrfField, hidden, input, readForm } from "./forms.ts";
import { renderPage } from "./layout.ts";
import {
  csrfToken,
  csrfValid,
  endSession,
  type PageEnv,
  safeReturnTo,
  startSession,
  webSession,
} from "./web-session.ts";

/** Where a user lands after signing in when nothing asked to come back. */
export const AFTER_SIGN_IN = "/settings/applications";

export function signInPage(
  ctx: Context,
  c: HonoContext<PageEnv>,
  o: { returnTo?: string | null; email?: string; error?: string; notice?: string },
  status: ContentfulStatusCode = 200,
) {
  const fields = [
    input({
      name: "email",
      label: "E-mail address",
      type: "email",
      value: o.email,
      required: true,
      autocomplete: "username",
    }),
    input({
      name: "password",
      label: "Password",
      type: "password",
      required: true,
      autocomplete: "current-password",
    }),
  ];
  const body = html`<div class="card">
    <h1>Sign in</h1>
    ${o.notice ? html`<p>${o.notice}</p>` : ""}
    ${o.error ? html`<p class="error" role="alert">${o.error}</p>` : ""}
    <form method="post" action="/auth/sign_in">
      ${csrfField(csrfToken(ctx, c))} ${hidden("return_to", o.returnTo)}
      ${fields}
      <div class="actions"><button type="submit">Sign in</button></div>
    </form>
    <p class="muted">No account yet? <a href="/auth/sign_up">Sign up</a>.</p>
  </div>`;
  return renderPage(
    c,
    ctx.config,
    { title: "Sign in", viewer: c.get("viewer"), csrf: csrfToken(ctx, c), body, noindex: true },
    status,
  );
}

export function signInRoutes(ctx: Context): Hono<PageEnv> {
  const app = new Hono<PageEnv>();
  app.use("/auth/sign_in", webSession(ctx));
  app.use("/auth/sign_out", webSession(ctx));

  app.get("/auth/sign_in", (c) => {
    const returnTo = safeReturnTo(c.req.query("return_to"));
    if (c.get("viewer")) return c.redirect(returnTo ?? AFTER_SIGN_IN, 303);
    return signInPage(ctx, c, { returnTo });
  });

  app.post("/auth/sign_in", async (c) => {
    const form = await readForm(c);
    const returnTo = safeReturnTo(form.get("return_to"));
    const email = form.get("email").slice(0, 320);
    if (!csrfValid(ctx, c, form.get("authenticity_token"))) {
      return signInPage(
        ctx,
        c,
        { returnTo, email, error: "Your session expired. Please try again." },
        403,
      );
    }
    if (signInLimited(ctx, c, email)) {
      return signInPage(
        ctx,
        c,
        { returnTo, email, error: "Too many sign-in attempts. Please try again later." },
        429,
      );
    }
    let viewer: Awaited<ReturnType<typeof signIn>>;
    try {
      viewer = await signIn(ctx, email, form.get("password"));
    } catch (error) {
      // Right password, but the account may not act yet (pending approval, unconfirmed…).
      if (error instanceof DomainError && error.kind === "forbidden") {
        return signInPage(ctx, c, { returnTo, email, error: error.message }, 403);
      }
      throw error;
    }
    if (!viewer) {
      return signInPage(
        ctx,
        c,
        { returnTo, email, error: "Invalid e-mail address or password." },
        401,
      );
    }
    await startSession(ctx, c, viewer.accountId);
    return c.redirect(returnTo ?? AFTER_SIGN_IN, 303);
  });

  app.post("/auth/sign_out", async (c) => {
    const form = await readForm(c);
    if (!csrfValid(ctx, c, form.get("authenticity_token"))) {
      return signInPage(ctx, c, { error: "Your session expired. Please try again." }, 403);
    }
    await endSession(ctx, c);
    return c.redirect("/auth/sign_in", 303);
  });

  return app;
}
