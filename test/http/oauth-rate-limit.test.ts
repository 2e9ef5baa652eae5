// Request limits: per token (or per IP without one) on /api/*, per IP for sign-ups, per IP and
// per e-mail address for sign-in attempts, with Mastodon's X-RateLimit-* headers describing the limit closest to exhaustion, and 429s.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { Hono } from "hono";
import { clientIp, RateLimiter } from "../../src/http/middleware/rate-limit.ts";
import { eachServer } from "../helpers/server.ts";
import { createUser } from "../helpers/users.ts";
import { Browser, formWithAction } from "./oauth-forms.ts";

describe("RateLimiter", () => {
  it("counts per key within windows aligned to the period", () => {
    const limiter = new RateLimiter(2, 1000);
    const t = 10_500;
    assert.deepEqual(limiter.hit("a", t), { limit: 2, remaining: 1, reset: new Date(11_000) });
    assert.equal(limiter.hit("a", t + 100).remaining, 0);
    assert.equal(limiter.hit("a", t + 200).remaining, -1);
    assert.equal(limiter.hit("b", t + 200).remaining, 1, "another key has its own count");
    assert.deepEqual(limiter.hit("a", 11_000), { limit: 2, remaining: 1, reset: new Date(12_000) });
  });
});

describe("clientIp", () => {
  const app = new Hono().get("/", (c) => c.text(clientIp(c)));
  const ip = async (forwarded?: string) =>
    (await app.request("/", { headers: forwarded ? { "X-Forwarded-For": forwarded } : {} })).text();
  it("takes the rightmost address that is not a trusted proxy", async () => {
    assert.equal(await ip("203.0.113.5"), "203.0.113.5");
    assert.equal(await ip("198.51.100.1, 203.0.113.5, 10.0.0.2"), "203.0.113.5");
    assert.equal(await ip("10.0.0.1, 192.168.1.1"), "10.0.0.1");
    assert.equal(await ip("2001:db8::1, fd00::1"), "2001:db8::1");
    assert.equal(await ip("not an address"), "unknown");
    assert.equal(await ip(), "unknown");
  });
});

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

eachServer(
  "Rate limits",
  (server) => {
    let token: string;
    before(async () => {
      token = (await createUser(server().kith.ctx)).token;
    });

    it("sends the headers and answers 429 past the limit, per IP without a token", async () => {
      const headers = { "X-Forwarded-For": "192.0.2.1" };
      for (let i = 1; i <= 5; i++) {
        const r = await get(`${server().url}/api/v2/instance`, headers);
        assert.equal(r.status, 200);
        assert.equal(r.headers.get("X-RateLimit-Limit"), "5");
        assert.equal(r.headers.get("X-RateLimit-Remaining"), String(5 - i));
        const reset = new Date(r.headers.get("X-RateLimit-Reset")!);
        assert.match(
          r.headers.get("X-RateLimit-Reset")!,
          /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
        );
        assert.ok(reset.getTime() > Date.now() && reset.getTime() <= Date.now() + 300_000);
      }
      const refused = await get(`${server().url}/api/v2/instance`, headers);
      assert.equal(refused.status, 429);
      assert.deepEqual(await refused.json(), { error: "Too many requests" });
      assert.equal(refused.headers.get("X-RateLimit-Remaining"), "0");
      assert.ok(Number(refused.headers.get("Retry-After")) >= 1);
      // Another address, and a token from the same address, have their own counters.
      assert.equal(
        (await get(`${server().url}/api/v2/instance`, { "X-Forwarded-For": "192.0.2.2" })).status,
        200,
      );
      const withToken = await get(`${server().url}/api/v2/instance`, {
        ...headers,
        Authorization: `Bearer ${token}`,
      });
      assert.equal(withToken.status, 200);
      assert.equal(withToken.headers.get("X-RateLimit-Remaining"), "4");
      // Pages and OAuth are outside /api/*.
      assert.equal(
        (await get(`${server().url}/.well-known/oauth-authorization-server`, headers)).status,
        200,
      );
    });

    it("limits sign-ups per IP, through the API and the form alike", async () => {
      const headers = {
        "X-Forwarded-For": "198.51.100.7",
        Authorization: `Bearer ${token}`,
        "Content-Type": "application/json",
      };
      const signUp = (n: number, password = "a long and unusual passphrase") =>
        fetch(`${server().url}/api/v1/accounts`, {
          method: "POST",
          headers,
          body: JSON.stringify({
            username: `limited${n}`,
            email: `limited${n}@example.test`,
            password,
            agreement: true,
          }),
        });
      const first = await signUp(1);
      assert.equal(first.status, 200);
      // The sign-up counter (1 of 2 left) is closer to exhaustion than the token's (4 of 5).
      assert.equal(first.headers.get("X-RateLimit-Limit"), "2");
      assert.equal(first.headers.get("X-RateLimit-Remaining"), "1");
      const second = await signUp(2, "short");
      assert.equal(second.status, 422, "a failed attempt counts too");
      const third = await signUp(3);
      assert.equal(third.status, 429);
      assert.deepEqual(await third.json(), { error: "Too many requests" });

      const browser = new Browser(server().url);
      browser.headers = { "X-Forwarded-For": "198.51.100.7" };
      const form = formWithAction((await browser.get("/auth/sign_up")).text, "/auth/sign_up");
      const page = await browser.submit(form, {
        username: "limited4",
        email: "limited4@example.test",
      });
      assert.equal(page.status, 429);
      assert.match(page.text, /Too many sign-ups/);
    });

    it("limits sign-in attempts per IP and per e-mail address", async () => {
      const user = await createUser(server().kith.ctx);
      const email = `${user.username}@example.test`;
      const attempt = async (ip: string, address: string, password = "not the password") => {
        const browser = new Browser(server().url);
        browser.headers = { "X-Forwarded-For": ip };
        const form = formWithAction((await browser.get("/auth/sign_in")).text, "/auth/sign_in");
        return browser.submit(form, { email: address, password });
      };
      for (let i = 0; i < 3; i++) assert.equal((await attempt("203.0.113.9", email)).status, 401);
      // Over the limit even the right password is refused, before it is checked.
      const refused = await attempt("203.0.113.9", email, "correct horse battery staple");
      assert.equal(refused.status, 429);
      assert.match(refused.text, /Too many sign-in attempts/);
      // From another address the same e-mail address has used up its attempts as well…
      assert.equal(
        (await attempt("203.0.113.10", email, "correct horse battery staple")).status,
        429,
      );
      // …while another person signing in from there is unaffected.
      const other = await createUser(server().kith.ctx);
      const signedIn = await attempt(
        "203.0.113.10",
        `${other.username}@example.test`,
        "correct horse battery staple",
      );
      assert.equal(signedIn.status, 303);
    });
  },
  {
    env: {
      KITH_RATE_LIMIT_API: "5",
      KITH_RATE_LIMIT_SIGN_UPS: "2",
      KITH_RATE_LIMIT_SIGN_INS: "3",
    },
  },
);
