// Who a streaming connection speaks for. As Mastodon's streaming server (4.2 and later): a
// user's access token is required for every stream, given as `Authorization: Bearer`, as the
// `access_token` query parameter, or as the WebSocket subprotocol (masto.js); each stream then
// needs its scope (domain/streaming/streams.ts).
import type { Context } from "../../domain/context.ts";
import { DomainError } from "../../domain/errors.ts";
import { satisfies } from "../../domain/oauth/scopes.ts";
import { findTokenWithViewer } from "../../domain/oauth/tokens.ts";
import {
  requiredScope,
  StreamRequestError,
  type StreamSpec,
  type StreamViewer,
} from "../../domain/streaming/streams.ts";

/** The token a streaming request carries, from whichever of the three places. */
export function streamingToken(headers: {
  authorization?: string | undefined;
  protocol?: string | undefined;
  query: URLSearchParams;
}): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? "");
  if (bearer) return bearer[1]!;
  const query = headers.query.get("access_token");
  if (query) return query;
  const protocol = headers.protocol?.split(",")[0]?.trim();
  return protocol || null;
}

/** The signed-in user behind `token`; throws StreamRequestError (401) as Mastodon words it. */
export async function authenticateStream(
  ctx: Context,
  token: string | null,
): Promise<StreamViewer> {
  if (!token) throw new StreamRequestError("Missing access token", 401);
  try {
    const found = await findTokenWithViewer(ctx, token);
    if (!found?.viewer) throw new StreamRequestError("Invalid access token", 401);
    return { viewer: found.viewer, tokenId: found.grant.tokenId, scopes: found.grant.scopes };
  } catch (error) {
    if (error instanceof DomainError) throw new StreamRequestError("Invalid access token", 401);
    throw error;
  }
}

/** Refuses a stream the token's scopes do not cover. */
export function checkStreamScope(auth: StreamViewer, spec: StreamSpec): void {
  if (!satisfies(auth.scopes, requiredScope(spec)))
    throw new StreamRequestError("Access token does not have the required scopes", 401);
}

/** Does the `user` stream carry notifications for this token (`read` or `read:notifications`)? */
export const mayReadNotifications = (auth: StreamViewer) =>
  satisfies(auth.scopes, "read:notifications");
