// `/@username` (and `/@user@domain` for accounts from elsewhere): the profile with the posts an
// anonymous visitor may see, newest first, paged with ?max_id= links. A suspended account shows
// only that it is suspended; an account others may not see is the same 404 as a missing one.
import type { Context as HonoContext } from "hono";
import { html, raw } from "hono/html";
import { type AccountRow, findByHandle, getVisibleAccount } from "../../domain/accounts/queries.ts";
import type { Context } from "../../domain/context.ts";
import { DomainError } from "../../domain/errors.ts";
import { accountStatuses } from "../../domain/timelines/account.ts";
import { parseFields } from "../entities/account.ts";
import type { Html } from "./layout.ts";
import {
  avatarOf,
  displayName,
  handleOf,
  notFoundPage,
  pager,
  profilePath,
  publicPage,
  readPublicPage,
  statusCard,
  summary,
} from "./public-parts.ts";
import type { PageEnv } from "./web-session.ts";

/** The account behind `/@handle` if anyone may see it, else null. */
export async function findPublicAccount(ctx: Context, handle: string): Promise<AccountRow | null> {
  const row = await findByHandle(ctx, handle);
  if (!row) return null;
  try {
    return await getVisibleAccount(ctx, row.id);
  } catch (error) {
    if (error instanceof DomainError && error.kind === "not_found") return null;
    throw error;
  }
}

function profileCard(ctx: Context, a: AccountRow): Html {
  const { config } = ctx;
  const fields = parseFields(a.fields);
  const count = (n: number, label: string) =>
    html`<li><strong>${n}</strong><span>${label}</span></li>`;
  return html`<section class="card profile h-card">
  ${a.header_url ? html`<img class="banner" src="${a.header_url}" alt="" />` : html`<div class="banner"></div>`}
  <div class="who">
    <img class="avatar u-photo" src="${avatarOf(config, a)}" alt="" width="80" height="80" />
  </div>
  <div class="bio">
    <h1 class="p-name">${displayName(a)}
      ${a.locked ? html`<span class="badge" title="Approves each follower">locked</span>` : ""}
      ${a.actor_type === "Service" || a.actor_type === "Application" ? html`<span class="badge">bot</span>` : ""}
      ${a.actor_type === "Group" ? html`<span class="badge">group</span>` : ""}
    </h1>
    <p class="handle">${handleOf(config, a)}</p>
    ${a.note ? html`<div class="p-note">${raw(a.note)}</div>` : ""}
    ${
      fields.length > 0
        ? html`<dl class="fields">${fields.map(
            (f) =>
              html`<dt>${f.name}</dt><dd${f.verified_at ? raw(' class="verified" title="Verified link"') : ""}>${f.verified_at ? "✓ " : ""}${raw(f.value)}</dd>`,
          )}</dl>`
        : ""
    }
    <ul class="stats">
      ${count(a.statuses_count, a.statuses_count === 1 ? "post" : "posts")}
      ${count(a.following_count, "following")}
      ${count(a.followers_count, a.followers_count === 1 ? "follower" : "followers")}
    </ul>
    ${a.domain ? html`<p class="muted">This account is on ${a.domain}. <a href="${a.url ?? a.uri}">See the original profile</a>.</p>` : ""}
  </div>
</section>`;
}

export async function profilePage(ctx: Context, c: HonoContext<PageEnv>, handle: string) {
  const { config } = ctx;
  const account = await findPublicAccount(ctx, handle);
  if (!account) return notFoundPage(ctx, c);
  const name = `${displayName(account)} (${handleOf(config, account)})`;
  if (account.suspended_at) {
    return publicPage(
      ctx,
      c,
      {
        title: handleOf(config, account),
        noindex: true,
        body: html`<div class="card notice">
          <h1>${handleOf(config, account)}</h1>
          <p>This account has been suspended.</p>
        </div>`,
      },
      403,
    );
  }
  const page = readPublicPage(c);
  const { statuses, cursors } = await accountStatuses(
    ctx,
    null,
    account.id,
    { excludeReplies: true },
    page,
  );
  const path = profilePath(account);
  const url = account.domain ? (account.url ?? account.uri) : `${config.origin}${path}`;
  const body = html`${profileCard(ctx, account)}
<section aria-label="Posts">
  ${
    statuses.length > 0
      ? statuses.map((s) => statusCard(config, s))
      : html`<p class="card muted">${page.maxId || page.minId ? "No more posts." : "No public posts yet."}</p>`
  }
</section>
${pager(path, page, cursors)}`;
  return publicPage(ctx, c, {
    title: name,
    description: summary(account.note) || `${name} on ${config.title}`,
    og: { type: "profile", url, image: avatarOf(config, account), title: name },
    canonical: url,
    activityUri: account.uri,
    noindex: account.domain !== null || account.indexable !== 1,
    head: html`<meta property="profile:username" content="${account.username}" />`,
    body,
  });
}
