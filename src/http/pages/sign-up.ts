// /auth/sign_up (the form shows the instance's registration mode, asks for a reason when sign-
// ups are reviewed, and takes an invite code) and GET /auth/confirmation (the e-mailed link).
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { REASON_MAX, registrationMode, signUp } from "../../domain/accounts/registration.ts";
import { confirmEmail } from "../../domain/accounts/registration-mail.ts";
import type { Context } from "../../domain/context.ts";
import { DomainError } from "../../domain/errors.ts";
import { clientIp, signUpRateLimit } from "../middleware/rate-limit.ts";
import { csrfField, errorsFor, type FieldErrors, input, readForm } from "./forms.ts";
import { type Html, renderPage } from "./layout.ts";
import { AFTER_SIGN_IN } from "./sign-in.ts";
import { csrfToken, csrfValid, type PageEnv, startSession, webSession } from "./web-session.ts";

interface FormState {
  username?: string;
  email?: string;
  reason?: string;
  inviteCode?: string;
  errors?: FieldErrors;
  error?: string;
}

const MODE_TEXT = {
  open: "Anyone can sign up on this server.",
  approval: "Sign-ups are reviewed by the moderators before the account can be used.",
  closed: "Sign-ups are closed on this server; you need an invite code to join.",
};

async function signUpPage(
  ctx: Context,
  c: HonoContext<PageEnv>,
  s: FormState,
  status: ContentfulStatusCode = 200,
) {
  const { mode, reasonRequired } = await registrationMode(ctx);
  const errors = s.errors;
  const fields = [
    input({
      name: "username",
      label: "Username",
      value: s.username,
      errors,
      required: true,
      maxlength: 30,
      autocomplete: "username",
      hint: `Letters, numbers and underscores. Your handle will be @name@${ctx.config.domain}`,
    }),
    input({
      name: "email",
      label: "E-mail address",
      type: "email",
      value: s.email,
      errors,
      required: true,
      autocomplete: "email",
    }),
    input({
      name: "password",
      label: "Password",
      type: "password",
      errors,
      required: true,
      autocomplete: "new-password",
      hint: "At least 8 characters.",
    }),
    input({
      name: "password_confirmation",
      label: "Password again",
      type: "password",
      errors,
      required: true,
      autocomplete: "new-password",
    }),
    reasonRequired
      ? html`<label for="reason">Why do you want to join?</label>
          <textarea id="reason" name="reason" rows="3" maxlength="${REASON_MAX}">${s.reason ?? ""}</textarea>
          ${errorsFor(errors, "reason")}`
      : "",
    input({
      name: "invite_code",
      label: mode === "closed" ? "Invite code" : "Invite code (optional)",
      value: s.inviteCode,
      errors,
      required: mode === "closed",
    }),
  ];
  const body = html`<div class="card">
    <h1>Sign up</h1>
    <p class="muted" id="registration-mode" data-mode="${mode}">${MODE_TEXT[mode]}</p>
    ${s.error ? html`<p class="error" role="alert">${s.error}</p>` : ""}
    <form method="post" action="/auth/sign_up">
      ${csrfField(csrfToken(ctx, c))} ${fields}
      <label class="check"><input type="checkbox" name="agreement" value="1" required />
        I agree to the server rules and privacy policy.</label>
      ${errorsFor(errors, "agreement")}
      <div class="actions"><button type="submit">Sign up</button></div>
    </form>
    <p class="muted">Already have an account? <a href="/auth/sign_in">Sign in</a>.</p>
  </div>`;
  return renderPage(
    c,
    ctx.config,
    { title: "Sign up", viewer: c.get("viewer"), csrf: csrfToken(ctx, c), body, noindex: true },
    status,
  );
}

function messagePage(
  ctx: Context,
  c: HonoContext<PageEnv>,
  title: string,
  message: Html,
  status: ContentfulStatusCode = 200,
) {
  const body = html`<div class="card"><h1>${title}</h1>${message}</div>`;
  return renderPage(
    c,
    ctx.config,
    { title, viewer: c.get("viewer"), csrf: csrfToken(ctx, c), body, noindex: true },
    status,
  );
}

export function signUpRoutes(ctx: Context): Hono<PageEnv> {
  const app = new Hono<PageEnv>();
  app.use("/auth/sign_up", webSession(ctx));
  app.use("/auth/confirmation", webSession(ctx));

  app.get("/auth/sign_up", (c) => {
    const code = c.req.query("invite_code") ?? c.req.query("invite") ?? "";
    return signUpPage(ctx, c, { inviteCode: code.slice(0, 64) });
  });

  const tooMany = (c: HonoContext<PageEnv>) =>
    messagePage(
      ctx,
      c,
      "Too many sign-ups",
      html`<p class="error">Too many sign-ups from your address. Please try again later.</p>`,
      429,
    );

  app.post("/auth/sign_up", signUpRateLimit(ctx, tooMany), async (c) => {
    const form = await readForm(c);
    const state: FormState = {
      username: form.get("username").slice(0, 100),
      email: form.get("email").slice(0, 320),
      reason: form.get("reason").slice(0, 2000),
      inviteCode: form.get("invite_code").slice(0, 64),
    };
    if (!csrfValid(ctx, c, form.get("authenticity_token"))) {
      return signUpPage(
        ctx,
        c,
        { ...state, error: "Your session expired. Please try again." },
        403,
      );
    }
    const password = form.get("password");
    if (password !== form.get("password_confirmation")) {
      const errors = {
        password_confirmation: [
          { error: "ERR_INVALID", description: "doesn't match the password" },
        ],
      };
      return signUpPage(ctx, c, { ...state, errors }, 422);
    }
    let created: Awaited<ReturnType<typeof signUp>>;
    try {
      created = await signUp(ctx, {
        username: form.get("username"),
        email: form.get("email"),
        password,
        agreement: ["1", "true", "on"].includes(form.get("agreement")),
        reason: form.get("reason"),
        inviteCode: form.get("invite_code"),
        locale: null,
        ip: clientIp(c),
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const errors = error.details as FieldErrors | undefined;
      const status = error.kind === "forbidden" ? 403 : 422;
      return signUpPage(
        ctx,
        c,
        { ...state, errors, error: errors ? undefined : error.message },
        status,
      );
    }
    if (created.approved && created.confirmed) {
      await startSession(ctx, c, created.accountId);
      return c.redirect(AFTER_SIGN_IN, 303);
    }
    const steps = [
      created.confirmed
        ? null
        : html`<p>We sent you an e-mail. Follow the link in it to confirm your address.</p>`,
      created.approved
        ? null
        : html`<p>Your request to join is waiting for a moderator's review. You can sign in once it is approved.</p>`,
    ];
    return messagePage(ctx, c, "Almost there", html`<p>Welcome, @${created.username}!</p>${steps}`);
  });

  app.get("/auth/confirmation", async (c) => {
    try {
      const { username, approved } = await confirmEmail(
        ctx,
        c.req.query("confirmation_token") ?? "",
      );
      return messagePage(
        ctx,
        c,
        "Address confirmed",
        approved
          ? html`<p>Thank you, @${username}: your e-mail address is confirmed. You can now <a href="/auth/sign_in">sign in</a>.</p>`
          : html`<p>Thank you, @${username}: your e-mail address is confirmed. You can sign in once a moderator approves your account.</p>`,
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return messagePage(
        ctx,
        c,
        "Confirmation failed",
        html`<p class="error">${error.message}</p>`,
        404,
      );
    }
  });

  return app;
}
