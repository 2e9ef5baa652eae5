// Personal access tokens: an application owned by the user with one token for them, made on
// /settings/applications or with `kith accounts token`. The token is shown once.
import type { Context } from "../context.ts";
import { DomainError, validation } from "../errors.ts";
import { loadViewer } from "../viewer.ts";
import { createApplication, type OAuthApplication, OOB_REDIRECT_URI } from "./applications.ts";
import { parseScopes } from "./scopes.ts";
import { type IssuedToken, issueToken } from "./tokens.ts";

export async function createPersonalToken(
  ctx: Context,
  accountId: string,
  input: { name: string; scopes: string[] },
): Promise<{ application: OAuthApplication; token: IssuedToken }> {
  const { scopes, unknown } = parseScopes(input.scopes.join(" "), "");
  if (scopes.length === 0) throw validation("Validation failed: Scopes can't be blank");
  if (unknown.length > 0)
    throw validation("Validation failed: Scopes doesn't match configured on the server.");
  const application = await createApplication(ctx, {
    name: input.name,
    redirectUris: OOB_REDIRECT_URI,
    scopes: scopes.join(" "),
    ownerAccountId: accountId,
  });
  const token = await issueToken(ctx, { applicationId: application.id, accountId, scopes });
  return { application, token };
}

/** For `kith accounts token USERNAME`: the account must exist locally and be allowed to act. */
export async function createPersonalTokenFor(
  ctx: Context,
  username: string,
  scopes: string[],
): Promise<IssuedToken> {
  const missing = () => new DomainError("not_found", `There is no local account @${username}`);
  if (username.includes("\u0000")) throw missing();
  const row = await ctx.db.kysely
    .selectFrom("accounts")
    .innerJoin("users", "users.account_id", "accounts.id")
    .select("accounts.id")
    .where((eb) => eb(eb.fn("lower", ["accounts.username"]), "=", username.toLowerCase()))
    .where("accounts.domain", "is", null)
    .executeTakeFirst();
  if (!row) throw missing();
  await loadViewer(ctx, row.id);
  const { token } = await createPersonalToken(ctx, row.id, { name: "Command line", scopes });
  return token;
}
