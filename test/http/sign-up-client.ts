// Signing up as clients do, for the sign-up safety tests: through POST /api/v1/accounts with an
// app token, and through the /auth/sign_up form, each from a chosen client address (the test
// server trusts X-Forwarded-For from loopback, as from a reverse proxy).
import assert from "node:assert/strict";
import type { TestServer } from "../helpers/server.ts";
import { api } from "../helpers/users.ts";
import { Browser, formWithAction } from "./oauth-forms.ts";

export const PASSWORD = "a long and unusual passphrase";

/** An app token (client_credentials) able to sign users up. */
export async function appToken(server: TestServer): Promise<string> {
  const app = await api(server.url, "POST", "/api/v1/apps", {
    body: {
      client_name: "Sign-up client",
      redirect_uris: "urn:ietf:wg:oauth:2.0:oob",
      scopes: "read write",
    },
  });
  const token = await api(server.url, "POST", "/oauth/token", {
    form: {
      grant_type: "client_credentials",
      client_id: app.json.client_id,
      client_secret: app.json.client_secret,
      scope: "read write",
    },
  });
  assert.equal(token.status, 200, JSON.stringify(token.json));
  return token.json.access_token as string;
}

/** POST /api/v1/accounts from `ip`. */
export async function apiSignUp(
  server: TestServer,
  token: string,
  ip: string,
  fields: { username: string; email: string; reason?: string; invite_code?: string },
): Promise<{ status: number; json: any }> {
  const response = await fetch(`${server.url}/api/v1/accounts`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      "X-Forwarded-For": ip,
    },
    body: JSON.stringify({ ...fields, password: PASSWORD, agreement: true, locale: "en" }),
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, json };
}

/** The /auth/sign_up form, filled in and sent from `ip`. */
export async function pageSignUp(
  server: TestServer,
  ip: string,
  fields: { username: string; email: string },
) {
  const browser = new Browser(server.url);
  browser.headers = { "X-Forwarded-For": ip };
  const page = await browser.get("/auth/sign_up");
  assert.equal(page.status, 200, page.text.slice(0, 500));
  const form = formWithAction(page.text, "/auth/sign_up");
  return browser.submit(form, {
    ...fields,
    password: PASSWORD,
    password_confirmation: PASSWORD,
    agreement: "1",
  });
}

/** Whether the account exists, and if so whether it is approved. */
export async function accountState(server: TestServer, username: string) {
  const row = await server.kith.ctx.db.kysely
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .select(["users.approved"])
    .where("accounts.username", "=", username)
    .executeTakeFirst();
  return row ? (row.approved === 1 ? "approved" : "pending") : "absent";
}
