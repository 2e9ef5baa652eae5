// New streaming connections are rate limited (KITH_RATE_LIMIT_STREAMING): per token, or per IP
// address without one, over SSE and WebSocket alike; past the limit an SSE request gets 429
// with Mastodon's {"error"} body and a WebSocket upgrade is refused with 429. WebSocket
// upgrades count against the API limit too, as SSE requests always did.
import assert from "node:assert/strict";
import { after, it } from "node:test";
import WebSocketClient from "ws";
import { eachServer } from "../helpers/server.ts";
import { openSse } from "../helpers/streaming.ts";
import { createUser } from "../helpers/users.ts";

/** The status and headers of a WebSocket upgrade; an accepted one is closed at once. */
function upgrade(
  url: string,
  options: { token?: string; forwardedFor?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocketClient(url, options.token ? [options.token] : [], {
      headers: options.forwardedFor ? { "X-Forwarded-For": options.forwardedFor } : {},
    });
    socket.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    socket.once("open", () => {
      socket.close();
      resolve({ status: 101, headers: {}, body: "" });
    });
    socket.once("error", (e) => {
      if (!String(e.message).includes("Unexpected server response")) reject(e);
    });
  });
}

eachServer(
  "streaming connection limits",
  (server) => {
    const closers: (() => void)[] = [];
    after(() => {
      for (const close of closers) close();
    });
    const base = () => server().url;
    const wsUrl = () => `${base().replace(/^http/, "ws")}/api/v1/streaming?stream=public`;

    it("refuses the SSE stream past the limit per token with 429, other tokens unaffected", async () => {
      const [alice, bob] = [
        await createUser(server().kith.ctx),
        await createUser(server().kith.ctx),
      ];
      for (let i = 0; i < 3; i++) {
        const stream = await openSse(`${base()}/api/v1/streaming/public`, alice.token);
        closers.push(stream.close);
        assert.equal(stream.status, 200, `stream ${i + 1}`);
      }
      const res = await fetch(`${base()}/api/v1/streaming/public`, {
        headers: { Authorization: `Bearer ${alice.token}` },
      });
      assert.equal(res.status, 429);
      assert.deepEqual(await res.json(), { error: "Too many requests" });
      assert.ok(Number(res.headers.get("Retry-After")) >= 1);
      assert.equal(res.headers.get("X-RateLimit-Limit"), "3");
      // The same token is also refused over WebSocket: one counter for both.
      const ws = await upgrade(wsUrl(), { token: alice.token });
      assert.equal(ws.status, 429);
      const other = await openSse(`${base()}/api/v1/streaming/public`, bob.token);
      closers.push(other.close);
      assert.equal(other.status, 200, "another token has its own count");
      // Ordinary API requests are not streams.
      const api = await fetch(`${base()}/api/v1/timelines/public`, {
        headers: { Authorization: `Bearer ${alice.token}` },
      });
      assert.equal(api.status, 200);
    });

    it("refuses the WebSocket upgrade past the limit with 429 and Mastodon's error", async () => {
      const carol = await createUser(server().kith.ctx);
      for (let i = 0; i < 3; i++)
        assert.equal(
          (await upgrade(wsUrl(), { token: carol.token })).status,
          101,
          `socket ${i + 1}`,
        );
      const refused = await upgrade(wsUrl(), { token: carol.token });
      assert.equal(refused.status, 429);
      assert.deepEqual(JSON.parse(refused.body), { error: "Too many requests" });
      assert.ok(Number(refused.headers["retry-after"]) >= 1);
    });

    it("counts connections without a token per IP address", async () => {
      const from = (ip: string) => upgrade(wsUrl(), { forwardedFor: ip });
      for (let i = 0; i < 3; i++) assert.equal((await from("203.0.113.7")).status, 401);
      assert.equal((await from("203.0.113.7")).status, 429);
      assert.equal((await from("203.0.113.8")).status, 401, "another address has its own count");
      const sse = await fetch(`${base()}/api/v1/streaming/public`, {
        headers: { "X-Forwarded-For": "203.0.113.7" },
      });
      assert.equal(sse.status, 429);
    });
  },
  { env: { KITH_RATE_LIMIT_STREAMING: "3" } },
);
