// The OAuth 2 surface as a client sees it: registering an app, the authorization-code flow with
// PKCE driven through the real HTML pages, the token endpoint's grants and errors, revocation,
// userinfo, the RFC 8414 metadata and scope enforcement.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { before, it } from "node:test";
import { createLocalAccount } from "../../src/domain/accounts/admin.ts";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api } from "../helpers/users.ts";
import { Browser, formWithAction } from "./oauth-forms.ts";

const REDIRECT = "https://client.example/callback";
const OOB = "urn:ietf:wg:oauth:2.0:oob";
const PASSWORD = "correct horse battery staple";

const verifierPair = () => {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
};

eachServer("OAuth 2", (server) => {
  let client: {
    client_id: string;
    client_secret: string;
    id: string;
    redirect_uris: string[];
    redirect_uri: string;
    scopes: string[];
    client_secret_expires_at: number;
  };
  let email: string;
  let username: string;

  before(async () => {
    username = `oauth_${server().kind}`;
    email = `${username}@example.test`;
    await createLocalAccount(server().kith.ctx, { username, email, password: PASSWORD });
    const r = await api(server().url, "POST", "/api/v1/apps", {
      body: {
        client_name: "Test client",
        redirect_uris: [REDIRECT, OOB],
        scopes: "read write follow push profile",
        website: "https://client.example",
      },
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    client = r.json;
  });

  /** Runs the browser flow up to the redirect; returns the Location and the browser. */
  async function authorize(
    query: Record<string, string>,
    decision: "approve" | "deny" = "approve",
    browser = new Browser(server().url),
  ) {
    const params = new URLSearchParams({
      response_type: "code",
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      ...query,
    });
    let page = await browser.get(`/oauth/authorize?${params}`);
    assert.equal(page.status, 200, page.text);
    if (page.text.includes('action="/auth/sign_in"')) {
      const signIn = formWithAction(page.text, "/auth/sign_in");
      assert.ok(signIn.fields.authenticity_token, "the sign-in form carries a CSRF token");
      assert.ok(signIn.fields.return_to?.startsWith("/oauth/authorize?"));
      const after = await browser.submit(signIn, { email, password: PASSWORD });
      assert.equal(after.status, 303, after.text);
      assert.ok(after.location?.startsWith("/oauth/authorize?"));
      page = await browser.get(after.location!);
      assert.equal(page.status, 200);
    }
    assert.match(page.text, /Authorize Test client/);
    const consent = formWithAction(page.text, "/oauth/authorize");
    const button = consent.buttons.find((b) => b.value === decision)!;
    const answer = await browser.submit(consent, {}, button);
    return { answer, browser };
  }

  async function exchange(fields: Record<string, string>) {
    return api(server().url, "POST", "/oauth/token", {
      form: {
        grant_type: "authorization_code",
        client_id: client.client_id,
        client_secret: client.client_secret,
        redirect_uri: REDIRECT,
        ...fields,
      },
    });
  }

  it("registers an application and answers with a CredentialApplication", async () => {
    assert.deepEqual(Object.keys(client).sort(), [
      "client_id",
      "client_secret",
      "client_secret_expires_at",
      "id",
      "name",
      "redirect_uri",
      "redirect_uris",
      "scopes",
      "vapid_key",
      "website",
    ]);
    assert.deepEqual(client.redirect_uris, [REDIRECT, OOB]);
    assert.equal(client.redirect_uri, `${REDIRECT}\n${OOB}`);
    assert.deepEqual(client.scopes, ["read", "write", "follow", "push", "profile"]);
    assert.equal(client.client_secret_expires_at, 0);
    // A string of space- or newline-separated URIs works too; scopes default to read.
    const r = await api(server().url, "POST", "/api/v1/apps", {
      form: { client_name: "Two", redirect_uris: `${REDIRECT} https://b.example/cb\nelk://x` },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.redirect_uris, [REDIRECT, "https://b.example/cb", "elk://x"]);
    assert.deepEqual(r.json.scopes, ["read"]);
    assert.equal(r.json.website, null);
  });

  it("matches the OpenAPI description of CredentialApplication", {
    skip: OPENAPI_SKIP_REASON,
  }, async () => {
    await validateResponse("POST", "/api/v1/apps", 200, client);
  });

  it("answers in the shapes the OpenAPI description gives", {
    skip: OPENAPI_SKIP_REASON,
  }, async () => {
    const form = {
      grant_type: "client_credentials",
      client_id: client.client_id,
      client_secret: client.client_secret,
    };
    const token = await api(server().url, "POST", "/oauth/token", { form });
    await validateResponse("POST", "/oauth/token", 200, token.json);
    const app = await api(server().url, "GET", "/api/v1/apps/verify_credentials", {
      token: token.json.access_token,
    });
    await validateResponse("GET", "/api/v1/apps/verify_credentials", 200, app.json);
    const meta = await api(server().url, "GET", "/.well-known/oauth-authorization-server");
    await validateResponse("GET", "/.well-known/oauth-authorization-server", 200, meta.json);
  });

  it("refuses bad registrations with 422 and a message", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ redirect_uris: REDIRECT }, /Name can't be blank/],
      [{ client_name: "x" }, /Redirect URI can't be blank/],
      [{ client_name: "x", redirect_uris: "not a uri" }, /Redirect URI must be an absolute URI/],
      [{ client_name: "x", redirect_uris: "javascript:alert(1)" }, /absolute URI/],
      [{ client_name: "x", redirect_uris: "https://a.example/#frag" }, /fragment/],
      [{ client_name: "x", redirect_uris: REDIRECT, scopes: "read sudo" }, /Scopes/],
      [{ client_name: "x".repeat(61), redirect_uris: REDIRECT }, /too long/],
      [{ client_name: "x", redirect_uris: REDIRECT, website: "ftp://x" }, /Website is invalid/],
    ];
    for (const [body, message] of cases) {
      const r = await api(server().url, "POST", "/api/v1/apps", { body });
      assert.equal(r.status, 422, JSON.stringify(body));
      assert.match(r.json.error, message);
    }
  });

  it("publishes the authorization server metadata", async () => {
    const r = await api(server().url, "GET", "/.well-known/oauth-authorization-server");
    assert.equal(r.status, 200);
    const o = server().url;
    assert.equal(r.json.issuer, `${o}/`);
    assert.equal(r.json.service_documentation, "https://docs.joinmastodon.org/");
    assert.equal(r.json.authorization_endpoint, `${o}/oauth/authorize`);
    assert.equal(r.json.token_endpoint, `${o}/oauth/token`);
    assert.equal(r.json.app_registration_endpoint, `${o}/api/v1/apps`);
    assert.equal(r.json.revocation_endpoint, `${o}/oauth/revoke`);
    assert.equal(r.json.userinfo_endpoint, `${o}/oauth/userinfo`);
    assert.deepEqual(r.json.response_types_supported, ["code"]);
    assert.deepEqual(r.json.response_modes_supported, ["query", "fragment", "form_post"]);
    assert.deepEqual(r.json.code_challenge_methods_supported, ["S256"]);
    assert.deepEqual(r.json.grant_types_supported, ["authorization_code", "client_credentials"]);
    assert.deepEqual(r.json.token_endpoint_auth_methods_supported, [
      "client_secret_basic",
      "client_secret_post",
    ]);
    assert.deepEqual(r.json.scopes_supported.slice(0, 3), ["read", "write", "write:accounts"]);
    assert.ok(r.json.scopes_supported.includes("profile"));
    assert.ok(r.json.scopes_supported.includes("admin:write:canonical_email_blocks"));
    assert.equal(r.headers.get("Access-Control-Allow-Origin"), "*");
  });

  it("runs the authorization-code flow with PKCE through the HTML pages", async () => {
    const { verifier, challenge } = verifierPair();
    const state = "st<a>te&ü";
    const { answer, browser } = await authorize({
      scope: "read profile",
      state,
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    assert.equal(answer.status, 302);
    const location = new URL(answer.location!);
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
    assert.equal(location.searchParams.get("state"), state);
    const code = location.searchParams.get("code")!;
    assert.ok(code.length >= 32);
    // the session cookie is HttpOnly and SameSite=Lax, without Secure on a plain-http origin
    const cookie = browser.setCookieHeaders.find((l) => l.startsWith("kith_session="))!;
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.doesNotMatch(cookie, /Secure/i);

    const token = await exchange({ code, code_verifier: verifier });
    assert.equal(token.status, 200, JSON.stringify(token.json));
    assert.equal(token.json.token_type, "Bearer");
    assert.equal(token.json.scope, "read profile");
    assert.equal(typeof token.json.created_at, "number");
    assert.ok(Math.abs(token.json.created_at - Date.now() / 1000) < 60);
    assert.equal(token.headers.get("Cache-Control"), "no-store");

    const me = await api(server().url, "GET", "/oauth/userinfo", {
      token: token.json.access_token,
    });
    assert.equal(me.status, 200);
    assert.equal(me.json.iss, `${server().url}/`);
    assert.equal(me.json.sub, `${server().url}/users/${username}`);
    assert.equal(me.json.preferred_username, username);
    assert.equal(me.json.name, username);
    assert.equal(me.json.profile, `${server().url}/@${username}`);
    assert.match(me.json.picture, /^http/);

    // The code is spent: a second exchange fails.
    const again = await exchange({ code, code_verifier: verifier });
    assert.equal(again.status, 400);
    assert.equal(again.json.error, "invalid_grant");
    assert.ok(again.json.error_description);
  });

  it("refuses a wrong verifier, a missing verifier and a wrong redirect URI", async () => {
    for (const [fields, label] of [
      [{ code_verifier: "x".repeat(43) }, "wrong verifier"],
      [{}, "missing verifier"],
      [{ redirect_uri: OOB }, "wrong redirect"],
    ] as const) {
      const { verifier, challenge } = verifierPair();
      const { answer } = await authorize({
        code_challenge: challenge,
        code_challenge_method: "S256",
      });
      const code = new URL(answer.location!).searchParams.get("code")!;
      const r = await exchange({
        code,
        ...(label === "wrong redirect" ? { code_verifier: verifier } : {}),
        ...fields,
      });
      assert.equal(r.status, 400, label);
      assert.equal(r.json.error, "invalid_grant", label);
      // …and the code cannot be retried with the right values afterwards.
      const retry = await exchange({ code, code_verifier: verifier });
      assert.equal(retry.json.error, "invalid_grant", label);
    }
  });

  it("authenticates clients by HTTP Basic, and refuses a wrong secret with 401", async () => {
    const { answer } = await authorize({});
    const code = new URL(answer.location!).searchParams.get("code")!;
    const wrong = await exchange({ code, client_secret: "nope" });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error, "invalid_client");
    const { answer: second } = await authorize({});
    const code2 = new URL(second.location!).searchParams.get("code")!;
    const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64");
    const response = await fetch(`${server().url}/oauth/token`, {
      method: "POST",
      headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        grant_type: "authorization_code",
        code: code2,
        redirect_uri: REDIRECT,
      }),
    });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { scope: string }).scope, "read");
  });

  it("shows the code on a page for the out-of-band redirect URI", async () => {
    const browser = new Browser(server().url);
    const { answer } = await authorize({ redirect_uri: OOB }, "approve", browser);
    assert.equal(answer.status, 200);
    const code = /id="authorization-code">([^<]+)</.exec(answer.text)?.[1];
    assert.ok(code, answer.text);
    const r = await exchange({ code, redirect_uri: OOB });
    assert.equal(r.status, 200, JSON.stringify(r.json));
  });

  it("sends access_denied back with the state when the user says no", async () => {
    const { answer } = await authorize({ state: "xyz" }, "deny");
    assert.equal(answer.status, 302);
    const location = new URL(answer.location!);
    assert.equal(location.searchParams.get("error"), "access_denied");
    assert.equal(location.searchParams.get("state"), "xyz");
    assert.equal(location.searchParams.get("code"), null);
  });

  it("shows the sign-in form again with force_login, and refuses a consent without CSRF token", async () => {
    const browser = new Browser(server().url);
    await authorize({}, "approve", browser);
    const q = new URLSearchParams({
      response_type: "code",
      client_id: client.client_id,
      redirect_uri: REDIRECT,
    });
    const plain = await browser.get(`/oauth/authorize?${q}`);
    assert.match(plain.text, /Authorize Test client/);
    const forced = await browser.get(`/oauth/authorize?${q}&force_login=true`);
    assert.ok(formWithAction(forced.text, "/auth/sign_in"));
    const consent = formWithAction(plain.text, "/oauth/authorize");
    const forged = await browser.submit(
      consent,
      { authenticity_token: "forged" },
      { name: "decision", value: "approve" },
    );
    assert.equal(forged.status, 403);
    assert.equal(forged.location, null);
  });

  it("refuses bad authorization requests: on a page for client problems, by redirect otherwise", async () => {
    const browser = new Browser(server().url);
    const base = { response_type: "code", client_id: client.client_id, redirect_uri: REDIRECT };
    const page = async (q: Record<string, string>) =>
      browser.get(`/oauth/authorize?${new URLSearchParams(q)}`);
    const unknownClient = await page({ ...base, client_id: "nope" });
    assert.equal(unknownClient.status, 400);
    assert.match(unknownClient.text, /data-error="invalid_client"/);
    const otherRedirect = await page({ ...base, redirect_uri: "https://evil.example/cb" });
    assert.equal(otherRedirect.status, 400);
    assert.equal(otherRedirect.location, null);
    for (const [q, error] of [
      [{ scope: "admin:write" }, "invalid_scope"],
      [{ scope: "read bogus" }, "invalid_scope"],
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ code_challenge: "a".repeat(43), code_challenge_method: "plain" }, "invalid_request"],
    ] as const) {
      const r = await page({ ...base, ...q, state: "s1" });
      assert.equal(r.status, 302, JSON.stringify(q));
      const location = new URL(r.location!);
      assert.equal(location.searchParams.get("error"), error);
      assert.equal(location.searchParams.get("state"), "s1");
    }
  });

  it("issues app tokens with client_credentials, within the app's scopes", async () => {
    const form = {
      grant_type: "client_credentials",
      client_id: client.client_id,
      client_secret: client.client_secret,
    };
    const r = await api(server().url, "POST", "/oauth/token", { form });
    assert.equal(r.status, 200);
    assert.equal(r.json.scope, "read");
    const verify = await api(server().url, "GET", "/api/v1/apps/verify_credentials", {
      token: r.json.access_token,
    });
    assert.equal(verify.status, 200);
    assert.equal(verify.json.name, "Test client");
    assert.equal(verify.json.client_secret, undefined);
    const wide = await api(server().url, "POST", "/oauth/token", {
      form: { ...form, scope: "write:statuses push" },
    });
    assert.equal(wide.status, 200);
    assert.equal(wide.json.scope, "write:statuses push");
    const tooWide = await api(server().url, "POST", "/oauth/token", {
      form: { ...form, scope: "admin:read" },
    });
    assert.equal(tooWide.status, 400);
    assert.equal(tooWide.json.error, "invalid_scope");
    const unsupported = await api(server().url, "POST", "/oauth/token", {
      form: { ...form, grant_type: "implicit" },
    });
    assert.equal(unsupported.json.error, "unsupported_grant_type");
    // An app token has no user: userinfo needs one.
    const userinfo = await api(server().url, "GET", "/oauth/userinfo", {
      token: r.json.access_token,
    });
    assert.ok(userinfo.status === 403 || userinfo.status === 422, String(userinfo.status));
  });

  it("keeps the password grant for development mode (the masto.js harness)", async () => {
    const r = await api(server().url, "POST", "/oauth/token", {
      form: {
        grant_type: "password",
        client_id: client.client_id,
        client_secret: client.client_secret,
        username: email,
        password: PASSWORD,
        scope: "read write",
      },
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.scope, "read write");
    const wrong = await api(server().url, "POST", "/oauth/token", {
      form: {
        grant_type: "password",
        client_id: client.client_id,
        client_secret: client.client_secret,
        username: email,
        password: "nope",
      },
    });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json.error, "invalid_grant");
  });

  it("revokes a token: afterwards it is refused with 401", async () => {
    const form = {
      grant_type: "client_credentials",
      client_id: client.client_id,
      client_secret: client.client_secret,
    };
    const token = (await api(server().url, "POST", "/oauth/token", { form })).json.access_token;
    assert.equal(
      (await api(server().url, "GET", "/api/v1/apps/verify_credentials", { token })).status,
      200,
    );
    const other = await api(server().url, "POST", "/api/v1/apps", {
      body: { client_name: "Other", redirect_uris: OOB },
    });
    const foreign = await api(server().url, "POST", "/oauth/revoke", {
      form: { client_id: other.json.client_id, client_secret: other.json.client_secret, token },
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.json.error, "unauthorized_client");
    const r = await api(server().url, "POST", "/oauth/revoke", {
      form: { client_id: client.client_id, client_secret: client.client_secret, token },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {});
    const after = await api(server().url, "GET", "/api/v1/apps/verify_credentials", { token });
    assert.equal(after.status, 401);
    assert.equal(after.json.error, "The access token is invalid");
    const unknown = await api(server().url, "POST", "/oauth/revoke", {
      form: { client_id: client.client_id, client_secret: client.client_secret, token: "unknown" },
    });
    assert.equal(unknown.status, 200);
  });

  it("enforces scopes: userinfo needs profile, sign-up needs write:accounts", async () => {
    const { answer } = await authorize({ scope: "read" });
    const code = new URL(answer.location!).searchParams.get("code")!;
    const token = (await exchange({ code })).json.access_token;
    const userinfo = await api(server().url, "GET", "/oauth/userinfo", { token });
    assert.equal(userinfo.status, 403);
    assert.equal(userinfo.json.error, "This action is outside the authorized scopes");
    const signUp = await api(server().url, "POST", "/api/v1/accounts", {
      token,
      body: {
        username: "sneaky",
        email: "sneaky@example.test",
        password: PASSWORD,
        agreement: true,
      },
    });
    assert.equal(signUp.status, 403);
    assert.equal(signUp.json.error, "This action is outside the authorized scopes");
  });
});
