// Two real Kiths in this process, federating over loopback HTTP (development mode), on both
// databases: `home` (127.0.0.1) and `away` (localhost, so another host). They federate; once
// home suspends away's domain, away's follow of home's user is gone, away's deliveries are
// refused with nothing stored, away's signed fetches are refused (its search finds nothing),
// and home's posts no longer reach away.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { POSTGRES_ADMIN_URL, POSTGRES_SKIP_REASON } from "../helpers/databases.ts";
import { rowCounts } from "../helpers/row-counts.ts";
import { freePort, startTestServer, type TestServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const STAFF_SCOPES = ["read", "write", "follow", "admin:read", "admin:write"];

async function eventually<T>(what: string, check: () => Promise<T>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen in time`);
    await sleep(200);
  }
}

async function startAt(kind: "sqlite" | "postgres", host: string): Promise<TestServer> {
  const port = await freePort();
  return startTestServer(kind, {
    HOST: "127.0.0.1",
    PORT: String(port),
    KITH_ORIGIN: `http://${host}:${port}`,
  });
}

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
  describe(`a suspended Kith can neither deliver nor fetch [${kind}]`, { skip }, () => {
    let home: TestServer;
    let away: TestServer;
    let alice: TestUser; // on home
    let admin: TestUser; // on home
    let bob: TestUser; // on away
    const homeHost = () => new URL(home.url).host;

    before(async () => {
      home = await startAt(kind, "127.0.0.1");
      away = await startAt(kind, "localhost");
      alice = await createUser(home.kith.ctx, { username: "alice" });
      admin = await createUser(home.kith.ctx, {
        username: "boss",
        role: "admin",
        scopes: STAFF_SCOPES,
      });
      bob = await createUser(away.kith.ctx, { username: "bob" });
    });
    after(async () => {
      await away?.stop();
      await home?.stop();
    });

    it("federates, then stops both ways once home suspends away's domain", async () => {
      // bob (away) finds and follows alice (home).
      const found = await api(
        away.url,
        "GET",
        `/api/v2/search?q=${encodeURIComponent(`@alice@${homeHost()}`)}&resolve=true&type=accounts`,
        { token: bob.token },
      );
      const aliceThere = found.json.accounts?.[0];
      assert.ok(aliceThere, JSON.stringify(found.json));
      const followed = await api(away.url, "POST", `/api/v1/accounts/${aliceThere.id}/follow`, {
        token: bob.token,
      });
      assert.equal(followed.status, 200);
      await eventually("the follow is accepted", async () => {
        const r = await api(home.url, "GET", `/api/v1/accounts/${alice.accountId}`);
        return r.json.followers_count === 1;
      });
      const first = await api(home.url, "POST", "/api/v1/statuses", {
        token: alice.token,
        body: { status: "before" },
      });
      await eventually("alice's post reaches bob's home", async () => {
        const r = await api(away.url, "GET", "/api/v1/timelines/home", { token: bob.token });
        return r.json.some((s: { uri: string }) => s.uri === first.json.uri);
      });

      const blocked = await api(home.url, "POST", "/api/v1/admin/domain_blocks", {
        token: admin.token,
        body: { domain: "localhost", severity: "suspend" },
      });
      assert.equal(blocked.status, 200, JSON.stringify(blocked.json));
      const me = await api(home.url, "GET", `/api/v1/accounts/${alice.accountId}`);
      assert.equal(me.json.followers_count, 0, "bob's follow is severed");

      // away delivers: refused, nothing stored at home.
      const counts = await rowCounts(home.kith.ctx.db, [
        "accounts",
        "statuses",
        "notifications",
        "follows",
        "follow_requests",
        "status_mentions",
      ]);
      const mention = await api(away.url, "POST", "/api/v1/statuses", {
        token: bob.token,
        body: { status: `hello @alice@${homeHost()}` },
      });
      assert.equal(mention.status, 200);
      const unfollow = await api(away.url, "POST", `/api/v1/accounts/${aliceThere.id}/unfollow`, {
        token: bob.token,
      });
      assert.equal(unfollow.status, 200);
      const refollow = await api(away.url, "POST", `/api/v1/accounts/${aliceThere.id}/follow`, {
        token: bob.token,
      });
      assert.equal(refollow.status, 200);
      await eventually("away has tried its deliveries", async () => {
        const queued = await away.kith.ctx.db.kysely
          .selectFrom("jobs")
          .select("id")
          .where("queue", "in", ["fedify", "events"])
          // due now (a refused delivery may be retried later: that one has been tried)
          .where("run_at", "<=", new Date().toISOString())
          .executeTakeFirst();
        return queued === undefined;
      });
      await sleep(1000);
      assert.deepEqual(
        await rowCounts(home.kith.ctx.db, [
          "accounts",
          "statuses",
          "notifications",
          "follows",
          "follow_requests",
          "status_mentions",
        ]),
        counts,
      );

      // away fetches (signed as its instance): refused, so its search finds nothing new.
      const second = await api(home.url, "POST", "/api/v1/statuses", {
        token: alice.token,
        body: { status: "after" },
      });
      const search = await api(
        away.url,
        "GET",
        `/api/v2/search?q=${encodeURIComponent(second.json.uri)}&resolve=true&type=statuses`,
        { token: bob.token },
      );
      assert.equal(search.status, 200);
      assert.deepEqual(search.json.statuses, []);
      await sleep(1000);
      const bobsHome = await api(away.url, "GET", "/api/v1/timelines/home", { token: bob.token });
      assert.ok(
        !bobsHome.json.some((s: { uri: string }) => s.uri === second.json.uri),
        "not delivered",
      );
      const stored = await away.kith.ctx.db.kysely
        .selectFrom("statuses")
        .select("id")
        .where("uri", "=", second.json.uri)
        .executeTakeFirst();
      assert.equal(stored, undefined, "away has nothing of home's later post");
    });
  });
}
