// Creating users and bearer tokens directly through the domain, for tests that are not about
// sign-up or OAuth themselves.
import { createLocalAccount } from "../../src/domain/accounts/admin.ts";
import type { Context } from "../../src/domain/context.ts";
import { issueToken } from "../../src/domain/oauth/tokens.ts";

export interface TestUser {
  accountId: string;
  username: string;
  token: string;
}

let counter = 0;

export async function createUser(
  ctx: Context,
  options: { username?: string; role?: "user" | "moderator" | "admin"; scopes?: string[] } = {},
): Promise<TestUser> {
  counter += 1;
  const username = options.username ?? `user${counter}_${process.pid % 10000}`;
  const created = await createLocalAccount(ctx, {
    username,
    email: `${username}@example.test`,
    password: "correct horse battery staple",
    role: options.role ?? "user",
  });
  const token = await issueToken(ctx, {
    applicationId: null,
    accountId: created.accountId,
    scopes: options.scopes ?? ["read", "write", "follow", "push", "profile"],
  });
  return { accountId: created.accountId, username, token: token.accessToken };
}

/** fetch with a bearer token and JSON body; returns status, headers and parsed JSON. */
export async function api(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; form?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; json: any }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  } else if (options.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(options.form).toString();
  }
  const response = await fetch(`${base}${path}`, { method, headers, body, redirect: "manual" });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, json };
}
