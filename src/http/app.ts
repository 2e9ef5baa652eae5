// The HTTP application: middleware, the error shape, and every route group mounted in one place.
import { Hono, type Context as HonoContext, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { Context } from "../domain/context.ts";
import { MAX_UPLOAD_BODY_BYTES } from "../domain/media/rules.ts";
import { federationMiddleware } from "../federation/mount.ts";
import { accountStatusesRoutes } from "./api/account-statuses.ts";
import { accountRoutes } from "./api/accounts.ts";
import { adminAccountRoutes } from "./api/admin-accounts.ts";
import { adminAuditRoutes } from "./api/admin-audit.ts";
import { adminCanonicalEmailBlockRoutes } from "./api/admin-canonical-email-blocks.ts";
import { adminDomainPolicyRoutes } from "./api/admin-domain-policy.ts";
import { adminEmailDomainBlockRoutes } from "./api/admin-email-domain-blocks.ts";
import { adminIpBlockRoutes } from "./api/admin-ip-blocks.ts";
import { adminReportNoteRoutes } from "./api/admin-report-notes.ts";
import { adminReportRoutes } from "./api/admin-reports.ts";
import { adminRulesRoutes } from "./api/admin-rules.ts";
import { adminServerRuleRoutes } from "./api/admin-server-rules.ts";
import { blockMuteRoutes } from "./api/blocks-mutes.ts";
import { bookmarksFavouritesRoutes } from "./api/bookmarks-favourites.ts";
import { conversationRoutes } from "./api/conversations.ts";
import { directoryRoutes } from "./api/directory.ts";
import { domainBlockRoutes } from "./api/domain-blocks.ts";
import { EMAIL_PATHS, emailRoutes } from "./api/emails.ts";
import { endorsementRoutes } from "./api/endorsements.ts";
import { filterRoutes } from "./api/filters.ts";
import { filterV1Routes } from "./api/filters-v1.ts";
import { followRequestRoutes } from "./api/follow-requests.ts";
import { instanceRoutes } from "./api/instance.ts";
import { instanceExtrasRoutes } from "./api/instance-extras.ts";
import { listRoutes } from "./api/lists.ts";
import { markerRoutes } from "./api/markers.ts";
import { mediaRoutes } from "./api/media.ts";
import { notificationPolicyRoutes } from "./api/notification-policy.ts";
import { notificationRequestRoutes } from "./api/notification-requests.ts";
import { notificationRoutes } from "./api/notifications.ts";
import { oembedRoutes } from "./api/oembed.ts";
import { pollRoutes } from "./api/polls.ts";
import { pushRoutes } from "./api/push.ts";
import { reportRoutes } from "./api/reports.ts";
import { scheduledStatusRoutes } from "./api/scheduled-statuses.ts";
import { searchRoutes } from "./api/search.ts";
import { statusRoutes } from "./api/statuses.ts";
import { statusActionRoutes } from "./api/statuses-actions.ts";
import { statusEditRoutes } from "./api/statuses-edits.ts";
import { suggestionRoutes } from "./api/suggestions.ts";
import { tagRoutes } from "./api/tags.ts";
import { timelineRoutes } from "./api/timelines.ts";
import { type AppEnv, authenticate } from "./auth.ts";
import { errorResponse } from "./errors.ts";
import { healthRoutes } from "./health.ts";
import { isUploadRequest, mediaFileRoutes } from "./media-files.ts";
import { ipAccess } from "./middleware/ip-access.ts";
import { rateLimit } from "./middleware/rate-limit.ts";
import { requestLog } from "./middleware/request-log.ts";
import { authRoutes } from "./oauth/routes.ts";
import { publicPageRoutes } from "./pages/public-pages.ts";
import { setPublicOrigin } from "./pagination.ts";
import { staticRoutes } from "./static.ts";
import { streamingRoutes } from "./streaming/sse.ts";

// As Mastodon's rack-cors set-up: any origin, no credentials, the pagination and rate-limit
// headers exposed to browser clients such as Phanpy and Elk.
const apiCors = cors({
  origin: "*",
  allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "Accept", "X-Requested-With"],
  exposeHeaders: [
    "Link",
    "X-RateLimit-Reset",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-Request-Id",
  ],
  maxAge: 86400,
});

export function createApp(ctx: Context): Hono<AppEnv> {
  setPublicOrigin(ctx.config.origin);
  const app = new Hono<AppEnv>();
  app.use(requestLog);
  app.use(ipAccess(ctx));
  for (const path of ["/api/*", "/oauth/*", "/.well-known/*", "/nodeinfo/*"])
    app.use(path, apiCors);
  // The unread rest of the body is still on the socket, so the connection cannot be reused.
  const tooLarge = (c: HonoContext) =>
    c.json({ error: "Payload too large" }, 413, { Connection: "close" });
  // Hono's bodyLimit asks for the body first, which builds the whole web Request (0.15 ms a
  // request) where a handler could read the socket directly; a declared length is checked here
  // the way bodyLimit would, and only a chunked or undeclared body goes through it.
  const limitBody = (maxSize: number): MiddlewareHandler => {
    const streamed = bodyLimit({ maxSize, onError: tooLarge });
    return async (c, next) => {
      if (c.req.method === "GET" || c.req.method === "HEAD") return next();
      const length = c.req.header("content-length");
      if (length === undefined || c.req.header("transfer-encoding") !== undefined)
        return streamed(c, next);
      if (Number.parseInt(length, 10) > maxSize) return tooLarge(c);
      await next();
    };
  };
  const generalLimit = limitBody(ctx.config.maxBodyBytes);
  // Media uploads are bounded too, by the largest file Kith accepts (domain/media/rules.ts).
  const uploadLimit = limitBody(Math.max(ctx.config.maxBodyBytes, MAX_UPLOAD_BODY_BYTES));
  app.use((c, next) => (isUploadRequest(c.req.path) ? uploadLimit : generalLimit)(c, next));

  app.use("/api/*", rateLimit(ctx));
  app.use("/api/*", authenticate(ctx, EMAIL_PATHS));
  app.use("/oauth/userinfo", authenticate(ctx));
  // ActivityPub, WebFinger, NodeInfo: to Fedify (loaded on first use); the rest falls through.
  app.use(federationMiddleware(ctx));

  // Route groups; each module exports a function (ctx) => Hono<AppEnv>.
  app.route("/", healthRoutes(ctx));
  app.route("/", streamingRoutes(ctx));
  app.route("/", instanceRoutes(ctx));
  app.route("/", instanceExtrasRoutes(ctx));
  app.route("/", publicPageRoutes(ctx));
  app.route("/", statusRoutes(ctx));
  app.route("/", statusActionRoutes(ctx));
  app.route("/", statusEditRoutes(ctx));
  app.route("/", pollRoutes(ctx));
  app.route("/", scheduledStatusRoutes(ctx));
  app.route("/", timelineRoutes(ctx));
  app.route("/", accountStatusesRoutes(ctx));
  app.route("/", accountRoutes(ctx));
  app.route("/", followRequestRoutes(ctx));
  app.route("/", blockMuteRoutes(ctx));
  app.route("/", endorsementRoutes(ctx));
  app.route("/", directoryRoutes(ctx));
  app.route("/", suggestionRoutes(ctx));
  app.route("/", domainBlockRoutes(ctx));
  app.route("/", adminRulesRoutes(ctx));
  app.route("/", notificationRoutes(ctx));
  app.route("/", notificationPolicyRoutes(ctx));
  app.route("/", notificationRequestRoutes(ctx));
  app.route("/", pushRoutes(ctx));
  app.route("/", bookmarksFavouritesRoutes(ctx));
  app.route("/", searchRoutes(ctx));
  app.route("/", reportRoutes(ctx));
  app.route("/", adminReportRoutes(ctx));
  app.route("/", adminReportNoteRoutes(ctx));
  app.route("/", adminAuditRoutes(ctx));
  app.route("/", adminEmailDomainBlockRoutes(ctx));
  app.route("/", adminCanonicalEmailBlockRoutes(ctx));
  app.route("/", adminIpBlockRoutes(ctx));
  app.route("/", adminServerRuleRoutes(ctx));
  app.route("/", adminAccountRoutes(ctx));
  app.route("/", adminDomainPolicyRoutes(ctx));
  app.route("/", listRoutes(ctx));
  app.route("/", conversationRoutes(ctx));
  app.route("/", markerRoutes(ctx));
  app.route("/", emailRoutes(ctx));
  app.route("/", oembedRoutes(ctx));
  app.route("/", tagRoutes(ctx));
  app.route("/", filterRoutes(ctx));
  app.route("/", filterV1Routes(ctx));
  app.route("/", mediaRoutes(ctx));
  app.route("/", mediaFileRoutes(ctx));
  app.route("/", authRoutes(ctx));
  app.route("/", staticRoutes());

  app.notFound((c) => c.json({ error: "Record not found" }, 404));
  app.onError(errorResponse);
  return app;
}
