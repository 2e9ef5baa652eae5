// `/privacy-policy` and `/terms-of-service`, as Mastodon has them: the texts the API serves
// (domain/instance-texts.ts), on a public page. Without published terms the second is a 404.
import type { Context as HonoContext } from "hono";
import { html, raw } from "hono/html";
import type { Context } from "../../domain/context.ts";
import { privacyPolicy, termsOfService } from "../../domain/instance-texts.ts";
import { formatTime, notFoundPage, publicPage } from "./public-parts.ts";
import type { PageEnv } from "./web-session.ts";

export async function privacyPolicyPage(ctx: Context, c: HonoContext<PageEnv>) {
  const policy = await privacyPolicy(ctx);
  return publicPage(ctx, c, {
    title: "Privacy policy",
    canonical: `${ctx.config.origin}/privacy-policy`,
    body: html`<section class="card extended" id="privacy-policy">
  <h1>Privacy policy</h1>
  <p class="muted">Last updated ${formatTime(policy.updatedAt)}</p>
  ${raw(policy.html)}
</section>`,
  });
}

export async function termsPage(ctx: Context, c: HonoContext<PageEnv>) {
  const terms = await termsOfService(ctx);
  if (!terms) return notFoundPage(ctx, c);
  return publicPage(ctx, c, {
    title: "Terms of service",
    canonical: `${ctx.config.origin}/terms-of-service`,
    body: html`<section class="card extended" id="terms-of-service">
  <h1>Terms of service</h1>
  <p class="muted">In effect since ${terms.effectiveDate}</p>
  ${raw(terms.html)}
</section>`,
  });
}
