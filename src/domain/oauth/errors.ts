// OAuth 2 errors (RFC 6749 §5.2) carry their own code and wording, which clients such as
// masto.js match on, so they travel separately from DomainError and keep Doorkeeper's texts.
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "unsupported_response_type"
  | "invalid_scope"
  | "access_denied";

const DESCRIPTIONS: Record<OAuthErrorCode, string> = {
  invalid_request:
    "The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.",
  invalid_client:
    "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
  invalid_grant:
    "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
  unauthorized_client: "The client is not authorized to perform this request using this method.",
  unsupported_grant_type:
    "The authorization grant type is not supported by the authorization server.",
  unsupported_response_type: "The authorization server does not support this response type.",
  invalid_scope: "The requested scope is invalid, unknown, or malformed.",
  access_denied: "The resource owner or authorization server denied the request.",
};

export class OAuthError extends Error {
  override name = "OAuthError";
  readonly code: OAuthErrorCode;
  /** 401 for client authentication failures, 403 for revoking another client's token, else 400. */
  readonly status: 400 | 401 | 403;

  constructor(code: OAuthErrorCode, description?: string, status?: 400 | 401 | 403) {
    super(description ?? DESCRIPTIONS[code]);
    this.code = code;
    this.status = status ?? (code === "invalid_client" ? 401 : 400);
  }
}
