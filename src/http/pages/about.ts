// `/` and `/about`: who runs this instance, its rules, how to join, whom to contact, and where
// the source is (`#source`, which the AGPL notice and KITH_SOURCE_URL's default point at).
import type { Context as HonoContext } from "hono";
import { html, raw } from "hono/html";
import { acct } from "../../domain/accounts/queries.ts";
import { registrationModeInForce } from "../../domain/accounts/registration-auto-approval.ts";
import type { Context } from "../../domain/context.ts";
import { contactAccount, instanceStats } from "../../domain/instance.ts";
import { extendedDescription, termsOfService } from "../../domain/instance-texts.ts";
import {
  mayListDomainBlocks,
  type PublicDomainBlock,
  publicDomainBlocks,
} from "../../domain/moderation/public-domain-blocks.ts";
import { rulesForMembers } from "../../domain/rules/published.ts";
import { KITH_VERSION } from "../../version.ts";
import type { Html } from "./layout.ts";
import { displayName, publicPage } from "./public-parts.ts";
import type { PageEnv } from "./web-session.ts";

async function joining(ctx: Context): Promise<Html> {
  switch (await registrationModeInForce(ctx)) {
    case "open":
      return html`<p>Anyone may join. <a href="/auth/sign_up">Create an account</a> or
        <a href="/auth/sign_in">sign in</a>.</p>`;
    case "approval":
      return html`<p>Sign-ups need approval: a moderator reads each request.
        <a href="/auth/sign_up">Ask to join</a> or <a href="/auth/sign_in">sign in</a>.</p>`;
    default:
      return html`<p>Registrations are closed. Members can <a href="/auth/sign_in">sign in</a>.</p>`;
  }
}

const SEVERITY_NAMES = { suspend: "Suspended", silence: "Limited", noop: "" };

/** Moderated servers, with the reasons given, when the list is public (KITH_SHOW_DOMAIN_BLOCKS). */
function moderatedServers(blocks: PublicDomainBlock[]): Html | string {
  if (blocks.length === 0) return "";
  return html`<section class="card" id="moderated-servers">
  <h2>Moderated servers</h2>
  <p>Suspended servers cannot exchange anything with this one; limited servers' accounts are
    seen only by their followers here.</p>
  <table class="moderated">
    <thead><tr><th>Server</th><th>Action</th><th>Reason</th></tr></thead>
    <tbody>${blocks.map(
      (b) =>
        html`<tr><td><code title="SHA-256: ${b.digest}">${b.domain}</code></td><td>${SEVERITY_NAMES[b.severity]}</td><td>${b.comment ?? ""}</td></tr>`,
    )}</tbody>
  </table>
</section>`;
}

export async function aboutPage(ctx: Context, c: HonoContext<PageEnv>, path: "/" | "/about") {
  const { config } = ctx;
  const [stats, rules, extended, contact] = [
    await instanceStats(ctx),
    await rulesForMembers(ctx),
    await extendedDescription(ctx),
    await contactAccount(ctx),
  ];
  // The page is the same for everyone, so only a list open to all is shown on it.
  const moderated = mayListDomainBlocks(ctx, null) ? await publicDomainBlocks(ctx, null) : [];
  const body = html`<section class="card">
  <h1>${config.title}</h1>
  <p class="lead">${config.description}</p>
  <ul class="stats">
    <li><strong>${stats.userCount}</strong><span>${stats.userCount === 1 ? "person" : "people"}</span></li>
    <li><strong>${stats.statusCount}</strong><span>posts</span></li>
    <li><strong>${stats.activeMonth}</strong><span>active this month</span></li>
  </ul>
</section>
<section class="card" id="join">
  <h2>Joining</h2>
  ${await joining(ctx)}
  ${
    (await termsOfService(ctx))
      ? html`<p>Members agree to the <a href="/terms-of-service">terms of service</a>. See also
          the <a href="/privacy-policy">privacy policy</a>.</p>`
      : html`<p>See the <a href="/privacy-policy">privacy policy</a>.</p>`
  }
</section>
${
  extended.html
    ? html`<section class="card extended" id="about"><h2>About</h2>${raw(extended.html)}</section>`
    : ""
}
<section class="card" id="rules">
  <h2>Rules</h2>
  ${
    rules.length > 0
      ? html`<ol class="rules">${rules.map(
          (r) =>
            html`<li><strong>${r.text}</strong>${r.hint ? html`<span class="hint">${r.hint}</span>` : ""}</li>`,
        )}</ol>`
      : html`<p class="muted">This instance has not written down any rules yet.</p>`
  }
</section>
${moderatedServers(moderated)}
<section class="card" id="contact">
  <h2>Contact</h2>
  ${contact ? html`<p>Administered by <a href="/@${acct(contact)}">${displayName(contact)}</a> (@${contact.username}@${config.domain}).</p>` : ""}
  ${
    config.contactEmail
      ? html`<p>E-mail: <a href="mailto:${config.contactEmail}">${config.contactEmail}</a></p>`
      : contact
        ? ""
        : html`<p class="muted">No contact has been given.</p>`
  }
</section>
<section class="card" id="source">
  <h2>Source code</h2>
  <p>${config.title} runs <strong>Kith</strong> ${KITH_VERSION}, free software under the
    <a href="https://www.gnu.org/licenses/agpl-3.0.html">GNU Affero General Public License</a>,
    version 3 or later. You may get the source code of the version running here, study it,
    change it and share it.</p>
  ${
    config.sourceUrl === `${config.origin}/about#source`
      ? html`<p>The administrators have not published a link to it yet: ask them (see
          <a href="#contact">Contact</a>), the licence obliges them to give it to you.</p>`
      : html`<p><a href="${config.sourceUrl}">Get the source code</a></p>`
  }
</section>`;
  return publicPage(ctx, c, {
    title: path === "/" ? "" : "About",
    description: config.description,
    og: {
      type: "website",
      url: `${config.origin}${path}`,
      image: `${config.origin}/static/thumbnail.png`,
    },
    canonical: `${config.origin}${path}`,
    body,
  });
}
