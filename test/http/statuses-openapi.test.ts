// The JSON Kith returns for statuses and timelines, checked against Mastodon's OpenAPI schema.
import { describe, it } from "node:test";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser } from "../helpers/users.ts";
import { follow, post, postOk } from "./statuses-fixtures.ts";

describe("statuses against the Mastodon OpenAPI schema", { skip: OPENAPI_SKIP_REASON }, () => {
  eachServer("statuses schema", (server) => {
    it("matches the documented shapes", async () => {
      const { url } = server();
      const ctx = server().kith.ctx;
      const alice = await createUser(ctx);
      const bob = await createUser(ctx);
      await follow(ctx, bob, alice);
      const check = async (method: string, path: string, token?: string, body?: unknown) => {
        const res = await api(url, method, path, { token, body });
        await validateResponse(method, path, res.status, res.json);
        return res.json;
      };
      const created = await post(url, alice, {
        status: `hello @${bob.username} #tag https://example.com/`,
        language: "en",
      });
      await validateResponse("POST", "/api/v1/statuses", created.status, created.json);
      const s = created.json;
      const reply = await postOk(url, bob, { status: "hi", in_reply_to_id: s.id });
      await check("POST", `/api/v1/statuses/${s.id}/favourite`, bob.token);
      const reblog = await check("POST", `/api/v1/statuses/${s.id}/reblog`, bob.token);
      await check("GET", `/api/v1/statuses/${reblog.id}`, bob.token);
      await check("GET", `/api/v1/statuses/${s.id}`);
      await check("GET", `/api/v1/statuses/${s.id}/context`, bob.token);
      await check("GET", `/api/v1/statuses/${s.id}/favourited_by`);
      await check("GET", `/api/v1/statuses/${s.id}/reblogged_by`);
      await check("POST", `/api/v1/statuses/${s.id}/bookmark`, bob.token);
      await check("POST", `/api/v1/statuses/${s.id}/pin`, alice.token);
      await check("POST", `/api/v1/statuses/${s.id}/mute`, alice.token);
      await check("GET", "/api/v1/timelines/home", bob.token);
      await check("GET", "/api/v1/timelines/public");
      await check("GET", "/api/v1/timelines/tag/tag");
      await check("GET", "/api/v1/bookmarks", bob.token);
      await check("GET", "/api/v1/favourites", bob.token);
      await check("GET", `/api/v1/accounts/${alice.accountId}/statuses`);
      await check("GET", "/api/v1/statuses/123456789012345678");
      await check("DELETE", `/api/v1/statuses/${reply.id}`, bob.token);
    });
  });
});
