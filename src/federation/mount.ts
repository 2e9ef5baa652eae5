// Where Fedify meets the HTTP app: a middleware that sends ActivityPub, WebFinger and NodeInfo
// requests to Fedify and lets everything else (HTML pages, the client API) fall through to
// the Hono routes. It imports Fedify only when the first such request arrives, so a server
// nobody federates with never loads it. host-meta is plain text and answered here.
import type { MiddlewareHandler } from "hono";
import type { Context } from "../domain/context.ts";
import { signedByRefusedServer } from "./authorized-fetch.ts";
import { hostMetaJson, hostMetaXml } from "./host-meta.ts";

/** The instance actor's path (see instance-actor.ts; here so that this check loads no Fedify). */
export const INSTANCE_ACTOR_PATH = "/actor";

const FEDIFY_PATHS = new Set([
  "/.well-known/webfinger",
  "/.well-known/nodeinfo",
  "/nodeinfo/2.0",
  "/nodeinfo/2.1",
]);

/**
 * Might Fedify answer this request? A cheap test on the path and Accept header; Fedify makes
 * the real content negotiation (an actor URL asked for as HTML falls through to the pages).
 */
export function isFederationRequest(method: string, path: string, accept?: string): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  if (FEDIFY_PATHS.has(path)) return true;
  return (path.startsWith("/users/") || path === INSTANCE_ACTOR_PATH) && /json/i.test(accept ?? "");
}

/** The personal inboxes and the shared inbox, where other servers POST activities. */
export const isInboxPath = (path: string) =>
  path === "/inbox" || /^\/users\/[^/]+\/inbox$/.test(path);

export function federationMiddleware(ctx: Context): MiddlewareHandler {
  return async (c, next) => {
    const { method, path } = c.req;
    if (method === "POST" && isInboxPath(path)) {
      const { handleInboxPost } = await import("./inbox/http.ts");
      return handleInboxPost(ctx, c.req.raw);
    }
    if (method === "GET" || method === "HEAD") {
      if (path === "/.well-known/host-meta") return hostMetaXml(ctx.config.origin);
      if (path === "/.well-known/host-meta.json") return hostMetaJson(ctx.config.origin);
    }
    if (!isFederationRequest(method, path, c.req.header("Accept"))) return next();
    if (await signedByRefusedServer(ctx, c.req.raw))
      return c.json({ error: "The signer's server is blocked here" }, 403);
    const { handleFederationRequest } = await import("./federation.ts");
    return handleFederationRequest(ctx, c.req.raw, {
      async onNotFound() {
        await next();
        return c.res;
      },
      async onNotAcceptable() {
        await next();
        if (c.res.status !== 404) return c.res;
        return Response.json(
          { error: "Not acceptable" },
          { status: 406, headers: { Vary: "Accept" } },
        );
      },
    });
  };
}
