import assert from "node:assert/strict";
import { it } from "node:test";
import { eachServer } from "../helpers/server.ts";

eachServer("HTTP foundation", (server) => {
  it("GET /health says OK when the database answers", async () => {
    const response = await fetch(`${server().url}/health`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "OK");
  });

  it("GET /api/v2/instance describes this instance truthfully", async () => {
    const response = await fetch(`${server().url}/api/v2/instance`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as any;
    assert.equal(body.domain, new URL(server().url).host);
    assert.match(body.version, /^4\.5\.0 \(compatible; Kith \d+\.\d+\.\d+\)$/);
    assert.equal(body.api_versions.mastodon, 7);
    assert.equal(body.configuration.statuses.max_characters, 500);
    assert.equal(body.configuration.statuses.characters_reserved_per_url, 23);
    assert.equal(body.configuration.urls.streaming, server().url.replace("http", "ws"));
    assert.equal(body.registrations.enabled, true);
    assert.equal(body.usage.users.active_month, 0);
  });

  it("GET /api/v1/instance counts users and is marked deprecated", async () => {
    const response = await fetch(`${server().url}/api/v1/instance`);
    assert.equal(response.status, 200);
    assert.ok(response.headers.get("Deprecation"));
    const body = (await response.json()) as any;
    assert.equal(body.uri, new URL(server().url).host);
    assert.deepEqual(Object.keys(body.stats).sort(), [
      "domain_count",
      "status_count",
      "user_count",
    ]);
    assert.equal(typeof body.stats.user_count, "number");
  });

  it("answers unknown API paths with Mastodon's 404 shape", async () => {
    const response = await fetch(`${server().url}/api/v1/no/such/thing`);
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { error: "Record not found" });
  });

  it("sets CORS headers on the API as Mastodon does, including preflight", async () => {
    const preflight = await fetch(`${server().url}/api/v1/instance`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://elk.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
    assert.match(preflight.headers.get("access-control-allow-methods") ?? "", /POST/);
    const get = await fetch(`${server().url}/api/v2/instance`, {
      headers: { Origin: "https://elk.example" },
    });
    assert.equal(get.headers.get("access-control-allow-origin"), "*");
    assert.match(get.headers.get("access-control-expose-headers") ?? "", /Link/);
    const page = await fetch(`${server().url}/health`, {
      headers: { Origin: "https://elk.example" },
    });
    assert.equal(page.headers.get("access-control-allow-origin"), null, "no CORS outside the API");
  });

  it("refuses request bodies over the limit with 413", async () => {
    const response = await fetch(`${server().url}/api/v1/statuses`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ status: "x".repeat(1024 * 1024 + 10) }),
    });
    assert.equal(response.status, 413);
    assert.deepEqual(await response.json(), { error: "Payload too large" });
  });

  it("refuses a chunked body over the limit with 413 too (no Content-Length to go by)", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${server().url}/api/v1/statuses`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    assert.equal(response.status, 413);
    assert.deepEqual(await response.json(), { error: "Payload too large" });
  });

  it("serves the default images with caching headers", async () => {
    const response = await fetch(`${server().url}/static/avatar.png`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "image/png");
    assert.match(response.headers.get("cache-control") ?? "", /max-age=\d+/);
    assert.equal((await fetch(`${server().url}/static/..%2Fpackage.json`)).status, 404);
  });

  it("rejects a malformed bearer token with 401 in Mastodon's shape", async () => {
    const response = await fetch(`${server().url}/api/v2/instance`, {
      headers: { Authorization: "Bearer nope" },
    });
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { error: "The access token is invalid" });
  });
});
