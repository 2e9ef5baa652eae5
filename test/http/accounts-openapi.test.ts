// The JSON Kith returns for accounts, relationships and notifications, checked against
// Mastodon's OpenAPI schema.
import { describe, it } from "node:test";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser } from "../helpers/users.ts";
import { followOk, setAccount } from "./accounts-fixtures.ts";

// Mastodon's own web client and masto.js read this ID as a string (it exceeds 2^53); the
// generated schema says integer.
const GROUP_ID_AS_STRING = "IDs exceed 2^53; sent as a string as clients read it";

describe("accounts against the Mastodon OpenAPI schema", { skip: OPENAPI_SKIP_REASON }, () => {
  eachServer("accounts schema", (server) => {
    it("matches the documented shapes", async () => {
      const { url } = server();
      const ctx = server().kith.ctx;
      const alice = await createUser(ctx);
      const bob = await createUser(ctx);
      const carol = await createUser(ctx);
      const check = async (
        method: string,
        path: string,
        token?: string,
        body?: unknown,
        allow?: Record<string, string>,
      ) => {
        const res = await api(url, method, path, { token, body });
        await validateResponse(method, path, res.status, res.json, { allow });
        return res.json;
      };
      await check("PATCH", "/api/v1/accounts/update_credentials", alice.token, {
        display_name: "Alice",
        note: "hello https://example.com #tag",
        fields_attributes: [{ name: "site", value: "https://example.com" }],
      });
      await check("GET", "/api/v1/accounts/verify_credentials", alice.token);
      await check("GET", `/api/v1/accounts/${alice.accountId}`);
      await check("GET", `/api/v1/accounts?id[]=${alice.accountId}&id[]=${bob.accountId}`);
      await check("GET", `/api/v1/accounts/lookup?acct=${alice.username}`);
      await check("GET", "/api/v1/accounts/search?q=user", bob.token);
      await check("GET", "/api/v1/accounts/999999999999999999");
      await check("POST", `/api/v1/accounts/${alice.accountId}/follow`, bob.token, {});
      await check("POST", `/api/v1/accounts/${bob.accountId}/follow`, bob.token, {});
      await check("GET", `/api/v1/accounts/relationships?id[]=${alice.accountId}`, bob.token);
      await check("GET", `/api/v1/accounts/${alice.accountId}/followers`);
      await check("GET", `/api/v1/accounts/${bob.accountId}/following`);
      await check(
        "GET",
        `/api/v1/accounts/familiar_followers?id[]=${alice.accountId}`,
        carol.token,
      );
      await check("POST", `/api/v1/accounts/${alice.accountId}/note`, bob.token, { comment: "hi" });
      await check("POST", `/api/v1/accounts/${bob.accountId}/remove_from_followers`, alice.token);
      await setAccount(ctx, alice.accountId, { locked: 1 });
      await followOk(url, carol, alice);
      await check("GET", "/api/v1/follow_requests", alice.token);
      await check("POST", `/api/v1/follow_requests/${carol.accountId}/authorize`, alice.token);
      await check("POST", `/api/v1/accounts/${alice.accountId}/unfollow`, carol.token);

      const post = await api(url, "POST", "/api/v1/statuses", {
        token: alice.token,
        body: { status: `hi @${bob.username}` },
      });
      await api(url, "POST", `/api/v1/statuses/${post.json.id}/favourite`, { token: bob.token });
      await followOk(url, bob, carol);
      const list = await check("GET", "/api/v1/notifications", bob.token);
      await check("GET", `/api/v1/notifications/${list[0].id}`, bob.token);
      await check("GET", "/api/v1/notifications/unread_count", bob.token);
      const allow = { "/notification_groups/*/most_recent_notification_id": GROUP_ID_AS_STRING };
      const grouped = await check("GET", "/api/v2/notifications", alice.token, undefined, allow);
      await check(
        "GET",
        "/api/v2/notifications?expand_accounts=partial_avatars",
        alice.token,
        undefined,
        allow,
      );
      const key = grouped.notification_groups[0].group_key;
      await check("GET", `/api/v2/notifications/${key}`, alice.token, undefined, allow);
      await check("GET", `/api/v2/notifications/${key}/accounts`, alice.token);
      await check("GET", "/api/v2/notifications/unread_count", alice.token);
      await check("POST", `/api/v2/notifications/${key}/dismiss`, alice.token);
      await check("POST", `/api/v1/notifications/${list[0].id}/dismiss`, bob.token);
      await check("POST", "/api/v1/notifications/clear", bob.token);
    });
  });
});
