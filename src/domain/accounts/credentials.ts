// The signed-in user's own account with what only they see: the profile as they typed it, their
// posting defaults, their role and how many follow requests wait (Mastodon's CredentialAccount).

import type { Context } from "../context.ts";
import { DomainError } from "../errors.ts";
import { countFollowRequests } from "../relationships/lists.ts";
import type { Viewer } from "../viewer.ts";
import { type AccountRow, getAccount } from "./queries.ts";
import { type RoleInfo, roleInfo } from "./roles.ts";

export interface SourceField {
  name: string;
  value: string;
}

export interface Credentials {
  account: AccountRow;
  noteSource: string;
  fieldsSource: SourceField[];
  privacy: string;
  sensitive: boolean;
  language: string | null;
  quotePolicy: string;
  attributionDomains: string[];
  followRequestsCount: number;
  role: RoleInfo;
}

export function parseJsonList<T>(json: string, pick: (item: unknown) => T | null): T[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.flatMap((item) => pick(item) ?? []) : [];
  } catch {
    return [];
  }
}

export const parseSourceFields = (json: string) =>
  parseJsonList(json, (f) =>
    typeof f === "object" && f !== null
      ? {
          name: String((f as SourceField).name ?? ""),
          value: String((f as SourceField).value ?? ""),
        }
      : null,
  );

export const parseStrings = (json: string) =>
  parseJsonList(json, (s) => (typeof s === "string" ? s : null));

export async function loadCredentials(ctx: Context, viewer: Viewer): Promise<Credentials> {
  const account = await getAccount(ctx, viewer.accountId);
  const user = await ctx.db.kysely
    .selectFrom("users")
    .select([
      "role",
      "default_visibility",
      "default_sensitive",
      "default_language",
      "default_quote_policy",
    ])
    .where("account_id", "=", viewer.accountId)
    .executeTakeFirst();
  if (!user) throw new DomainError("unauthorized", "The access token is invalid");
  return {
    account,
    noteSource: account.note_source,
    fieldsSource: parseSourceFields(account.fields_source),
    privacy: user.default_visibility,
    sensitive: user.default_sensitive === 1,
    language: user.default_language,
    quotePolicy: user.default_quote_policy,
    attributionDomains: parseStrings(account.attribution_domains),
    // Mastodon counts at most 40 here.
    followRequestsCount: Math.min(await countFollowRequests(ctx, viewer.accountId), 40),
    role: roleInfo(user.role),
  };
}
