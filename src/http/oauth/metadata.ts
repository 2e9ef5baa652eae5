// GET /.well-known/oauth-authorization-server (RFC 8414, as Mastodon 4.4 fills it in) and
// GET|POST /oauth/userinfo (OpenID Connect claims about the token's user; needs `profile`).
import { Hono, type Context as HonoContext } from "hono";
import { getAccount } from "../../domain/accounts/queries.ts";
import type { Context } from "../../domain/context.ts";
import { ALL_SCOPES } from "../../domain/oauth/scopes.ts";
import { type AppEnv, requireUser } from "../auth.ts";
import { renderAccount } from "../entities/account.ts";

/** Mastodon lists its scopes in this order: read, write and write:*, read:*, then the rest. */
function scopesSupported(): string[] {
  const read = ALL_SCOPES.filter((s) => s.startsWith("read:"));
  const write = ALL_SCOPES.filter((s) => s.startsWith("write:"));
  const rest = ALL_SCOPES.filter(
    (s) => s !== "read" && s !== "write" && !read.includes(s) && !write.includes(s),
  );
  return ["read", "write", ...write, ...read, ...rest];
}

export function metadataRoutes(ctx: Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { origin } = ctx.config;
  const issuer = `${origin}/`;

  app.get("/.well-known/oauth-authorization-server", (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.json({
      issuer,
      service_documentation: "https://docs.joinmastodon.org/",
      authorization_endpoint: `${origin}/oauth/authorize`,
      token_endpoint: `${origin}/oauth/token`,
      app_registration_endpoint: `${origin}/api/v1/apps`,
      revocation_endpoint: `${origin}/oauth/revoke`,
      userinfo_endpoint: `${origin}/oauth/userinfo`,
      scopes_supported: scopesSupported(),
      response_types_supported: ["code"],
      response_modes_supported: ["query", "fragment", "form_post"],
      code_challenge_methods_supported: ["S256"],
      grant_types_supported: ["authorization_code", "client_credentials"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    });
  });

  const userinfo = async (c: HonoContext<AppEnv>) => {
    const viewer = requireUser(c, "profile");
    const account = renderAccount(ctx.config, await getAccount(ctx, viewer.accountId));
    return c.json({
      iss: issuer,
      sub: account.uri,
      name: account.display_name || account.username,
      preferred_username: account.username,
      profile: account.url,
      picture: account.avatar,
    });
  };
  app.get("/oauth/userinfo", userinfo);
  app.post("/oauth/userinfo", userinfo);

  return app;
}
