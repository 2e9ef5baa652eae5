// OAuth client applications: registration through POST /api/v1/apps, the personal applications
// a user makes on /settings/applications, and client authentication for the token endpoints.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Selectable } from "kysely";
import { newId } from "../../db/ids.ts";
import type { OAuthApplicationsTable } from "../../db/schema.ts";
import type { Context } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import { OAuthError } from "./errors.ts";
import { parseScopes } from "./scopes.ts";

export const OOB_REDIRECT_URI = "urn:ietf:wg:oauth:2.0:oob";
const NAME_MAX = 60;
const URI_MAX = 2000;
const REDIRECT_URIS_MAX = 20;
// Redirecting a browser to these would run code or read files instead of reaching the client.
const CONTROL = /\p{Cc}/u;
const FORBIDDEN_SCHEMES = new Set(["javascript:", "data:", "vbscript:", "file:", "blob:"]);

export interface OAuthApplication {
  id: string;
  name: string;
  website: string | null;
  redirectUris: string[];
  scopes: string[];
  clientId: string;
  clientSecret: string;
  ownerAccountId: string | null;
  createdAt: string;
}

export interface NewApplication {
  name: string;
  website?: string | null;
  /** One string with space- or newline-separated URIs, or a list. */
  redirectUris: string | string[];
  scopes?: string | null;
  ownerAccountId?: string | null;
}

function toApplication(row: Selectable<OAuthApplicationsTable>): OAuthApplication {
  return {
    id: row.id,
    name: row.name,
    website: row.website,
    redirectUris: row.redirect_uris.split("\n").filter(Boolean),
    scopes: row.scopes.split(" ").filter(Boolean),
    clientId: row.client_id,
    clientSecret: row.client_secret,
    ownerAccountId: row.owner_account_id,
    createdAt: row.created_at,
  };
}

/** Why a redirect URI is refused (Doorkeeper's wording), or null. */
export function redirectUriProblem(uri: string): string | null {
  if (uri === OOB_REDIRECT_URI) return null;
  if (uri.length > URI_MAX) return `is too long (maximum is ${URI_MAX} characters)`;
  if (CONTROL.test(uri)) return "must be an absolute URI.";
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "must be an absolute URI.";
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return "must be an absolute URI.";
  if ((url.protocol === "http:" || url.protocol === "https:") && !url.hostname) {
    return "must be an absolute URI.";
  }
  if (url.hash || uri.includes("#")) return "cannot contain a fragment.";
  return null;
}

function splitRedirectUris(value: string | string[]): string[] {
  const list = Array.isArray(value) ? value : value.split(/\s+/);
  return [...new Set(list.map((u) => u.trim()).filter(Boolean))];
}

export async function createApplication(
  ctx: Context,
  input: NewApplication,
): Promise<OAuthApplication> {
  const name = input.name.trim();
  const website = input.website?.trim() || null;
  const redirectUris = splitRedirectUris(input.redirectUris);
  const problems: string[] = [];
  if (!name) problems.push("Name can't be blank");
  else if (CONTROL.test(name)) problems.push("Name is invalid");
  else if ([...name].length > NAME_MAX)
    problems.push(`Name is too long (maximum is ${NAME_MAX} characters)`);
  if (website) {
    if (website.length > URI_MAX)
      problems.push(`Website is too long (maximum is ${URI_MAX} characters)`);
    else if (
      CONTROL.test(website) ||
      !/^https?:\/\/[^\s/?#]+[^\s]*$/i.test(website) ||
      !URL.canParse(website)
    )
      problems.push("Website is invalid");
  }
  if (redirectUris.length === 0) problems.push("Redirect URI can't be blank");
  else if (redirectUris.length > REDIRECT_URIS_MAX)
    problems.push(`Redirect URI is too long (maximum is ${REDIRECT_URIS_MAX} URIs)`);
  else {
    const bad = redirectUris.map(redirectUriProblem).find((p) => p !== null);
    if (bad) problems.push(`Redirect URI ${bad}`);
  }
  const { scopes, unknown } = parseScopes(input.scopes ?? undefined);
  if (unknown.length > 0 || (input.scopes ?? "").length > URI_MAX)
    problems.push("Scopes doesn't match configured on the server.");
  if (problems.length > 0) throw validation(`Validation failed: ${problems.join(", ")}`);

  const row = {
    id: newId(),
    name,
    website,
    redirect_uris: redirectUris.join("\n"),
    scopes: scopes.join(" "),
    client_id: randomBytes(32).toString("base64url"),
    client_secret: randomBytes(32).toString("base64url"),
    owner_account_id: input.ownerAccountId ?? null,
    created_at: new Date().toISOString(),
  };
  await ctx.db.kysely.insertInto("oauth_applications").values(row).execute();
  return toApplication(row);
}

export async function getApplication(ctx: Context, id: string): Promise<OAuthApplication> {
  const row = await ctx.db.kysely
    .selectFrom("oauth_applications")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound();
  return toApplication(row);
}

export async function findApplicationByClientId(
  ctx: Context,
  clientId: string,
): Promise<OAuthApplication | null> {
  // PostgreSQL refuses NUL in text, so such a value is simply no client.
  if (!clientId || clientId.length > 200 || clientId.includes("\u0000")) return null;
  const row = await ctx.db.kysely
    .selectFrom("oauth_applications")
    .selectAll()
    .where("client_id", "=", clientId)
    .executeTakeFirst();
  return row ? toApplication(row) : null;
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Checks a client's credentials in constant time; any failure is OAuth's invalid_client. */
export async function authenticateClient(
  ctx: Context,
  clientId: string | undefined,
  clientSecret: string | undefined,
): Promise<OAuthApplication> {
  const app = clientId ? await findApplicationByClientId(ctx, clientId) : null;
  const given = digest(clientSecret ?? "");
  const expected = digest(app?.clientSecret ?? randomBytes(16).toString("hex"));
  if (!app || !clientSecret || !timingSafeEqual(given, expected)) {
    throw new OAuthError("invalid_client");
  }
  return app;
}

/** The applications a user made for themselves, newest first. */
export async function listOwnedApplications(
  ctx: Context,
  accountId: string,
): Promise<OAuthApplication[]> {
  const rows = await ctx.db.kysely
    .selectFrom("oauth_applications")
    .selectAll()
    .where("owner_account_id", "=", accountId)
    .orderBy("id", "desc")
    .execute();
  return rows.map(toApplication);
}

/** Deletes one of the user's own applications; its tokens and codes go with it (cascade). */
export async function deleteOwnedApplication(
  ctx: Context,
  accountId: string,
  applicationId: string,
): Promise<void> {
  const result = await ctx.db.kysely
    .deleteFrom("oauth_applications")
    .where("id", "=", applicationId)
    .where("owner_account_id", "=", accountId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound();
}
