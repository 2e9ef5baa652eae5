// What a Mastodon client app does to get going on a Kith server, driven through the real
// endpoints: register an app, get an app token, sign people up, and obtain user tokens through
// the authorization-code flow with PKCE by filling in the sign-in and consent pages.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Browser, formWithAction } from "../http/oauth-forms.ts";

export const REDIRECT = "http://127.0.0.1:9/callback";
export const PASSWORD = "correct horse battery staple";

export interface RegisteredApp {
  client_id: string;
  client_secret: string;
}

async function form(base: string, path: string, fields: Record<string, string>, token?: string) {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: new URLSearchParams(fields),
  });
  const body = (await response.json()) as any;
  assert.equal(response.status, 200, JSON.stringify(body));
  return body;
}

/** The authorization-code + PKCE flow through the HTML pages; returns a user token. */
export async function authorizeWithPkce(
  base: string,
  app: RegisteredApp,
  email: string,
  scope: string,
): Promise<string> {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const state = randomBytes(8).toString("hex");
  const browser = new Browser(base);
  const query = new URLSearchParams({
    response_type: "code",
    client_id: app.client_id,
    redirect_uri: REDIRECT,
    scope,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  let page = await browser.get(`/oauth/authorize?${query}`);
  assert.equal(page.status, 200, page.text);
  const signIn = formWithAction(page.text, "/auth/sign_in");
  const signedIn = await browser.submit(signIn, { email, password: PASSWORD });
  assert.ok(signedIn.location, `sign-in should redirect back: ${signedIn.status}`);
  page = await browser.get(signedIn.location!);
  const consent = formWithAction(page.text, "/oauth/authorize");
  const approve = consent.buttons.find((b) => b.value === "approve");
  assert.ok(approve, "the consent page has an approve button");
  const answer = await browser.submit(consent, {}, approve);
  assert.ok(answer.location?.startsWith(REDIRECT), `redirected to the app: ${answer.location}`);
  const back = new URL(answer.location!);
  assert.equal(back.searchParams.get("state"), state);
  const code = back.searchParams.get("code");
  assert.ok(code);
  const token = await form(base, "/oauth/token", {
    grant_type: "authorization_code",
    code,
    client_id: app.client_id,
    client_secret: app.client_secret,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
  });
  assert.equal(token.token_type, "Bearer");
  return token.access_token as string;
}
