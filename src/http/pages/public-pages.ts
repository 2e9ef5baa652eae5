// The public pages, mounted with one line in app.ts: `/` and `/about`, `/privacy-policy` and
// `/terms-of-service`, profiles `/@user`, statuses `/@user/:id`, tags `/tags/:tag`, and
// `/users/…` for browsers. Requests asking for
// ActivityPub JSON never get HTML: `/@…` URLs redirect them to the ActivityPub URI, everything
// else passes them on (next()) to whatever serves ActivityPub, or to the JSON 404.
import type { Context as HonoContext, MiddlewareHandler, Next } from "hono";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import type { Context } from "../../domain/context.ts";
import { aboutPage } from "./about.ts";
import { varyOnAccept, wantsActivityJson } from "./negotiation.ts";
import { privacyPolicyPage, termsPage } from "./policies.ts";
import { profilePage } from "./profile.ts";
import { statusPage } from "./status.ts";
import { tagPage } from "./tag.ts";
import { type PageEnv, SESSION_COOKIE, webSession } from "./web-session.ts";

const PROFILE = "/:handle{@[^/]+}";
const STATUS = "/:handle{@[^/]+}/:id{[0-9]+}";
const USER = "/users/:username";
const USER_STATUS = "/users/:username/statuses/:id{[0-9]+}";

type Handler = (c: HonoContext<PageEnv>) => Response | Promise<Response>;

/** HTML for people; requests for ActivityPub go on to the next handler. */
const htmlOnly =
  (handler: Handler) =>
  async (c: HonoContext<PageEnv>, next: Next): Promise<Response | undefined> => {
    varyOnAccept(c);
    if (wantsActivityJson(c)) {
      await next();
      return undefined;
    }
    return handler(c);
  };

/** A local username from `@alice` (not `@alice@elsewhere`), else null. */
function localUsername(ctx: Context, handle: string): string | null {
  const [username, domain] = handle.replace(/^@/, "").split("@");
  if (!username) return null;
  if (domain && domain.toLowerCase() !== ctx.config.domain.toLowerCase()) return null;
  return username;
}

export function publicPageRoutes(ctx: Context): Hono<PageEnv> {
  const app = new Hono<PageEnv>();
  const session = webSession(ctx);
  // The session is read only for a visitor who has one, so anonymous reads set no cookie.
  const visitor: MiddlewareHandler<PageEnv> = (c, next) => {
    if (getCookie(c, SESSION_COOKIE)) return session(c, next);
    c.set("viewer", null);
    return next();
  };
  const pages = [
    "/",
    "/about",
    "/privacy-policy",
    "/terms-of-service",
    PROFILE,
    STATUS,
    "/tags/:tag",
  ];
  for (const path of pages) app.use(path, visitor);

  app.get(
    "/",
    htmlOnly((c) => aboutPage(ctx, c, "/")),
  );
  app.get(
    "/about",
    htmlOnly((c) => aboutPage(ctx, c, "/about")),
  );
  app.get(
    "/privacy-policy",
    htmlOnly((c) => privacyPolicyPage(ctx, c)),
  );
  app.get(
    "/terms-of-service",
    htmlOnly((c) => termsPage(ctx, c)),
  );
  app.get(
    "/tags/:tag",
    htmlOnly((c) => tagPage(ctx, c, c.req.param("tag") ?? "")),
  );

  app.get(PROFILE, async (c, next) => {
    varyOnAccept(c);
    if (!wantsActivityJson(c)) return profilePage(ctx, c, c.req.param("handle"));
    const username = localUsername(ctx, c.req.param("handle"));
    if (!username) return next();
    return c.redirect(`${ctx.config.origin}/users/${encodeURIComponent(username)}`, 302);
  });
  app.get(STATUS, async (c, next) => {
    varyOnAccept(c);
    const { handle, id } = c.req.param();
    if (!wantsActivityJson(c)) return statusPage(ctx, c, handle, id);
    const username = localUsername(ctx, handle);
    if (!username) return next();
    return c.redirect(
      `${ctx.config.origin}/users/${encodeURIComponent(username)}/statuses/${id}`,
      302,
    );
  });

  // The ActivityPub URIs, opened in a browser, show the pages.
  app.get(
    USER,
    htmlOnly((c) => c.redirect(`/@${encodeURIComponent(c.req.param("username") ?? "")}`, 302)),
  );
  app.get(
    USER_STATUS,
    htmlOnly((c) => {
      const username = c.req.param("username") ?? "";
      const id = c.req.param("id") ?? "";
      return c.redirect(`/@${encodeURIComponent(username)}/${id}`, 302);
    }),
  );
  return app;
}
