// Streaming and moderation, on both databases: a local account suspended (admin account action)
// or deleted (deleteLocal) has its open streams, SSE and WebSocket, ended at the next heartbeat
// (Mastodon's streaming server checks a token only when connecting or when told to kill it), and
// its followers hear nothing more of it even when one of its statuses is published again (each
// event is re-checked against the visibility rule when dispatched). As Mastodon, suspension
// sends no delete events. Staff hear `admin.sign_up` and `admin.report`, and a warned account
// `moderation_warning`, as notification events.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { deleteLocal } from "../../src/domain/accounts/admin.ts";
import { signUp } from "../../src/domain/accounts/registration.ts";
import { streamNewStatus, streamToHomes } from "../../src/domain/streaming/publish.ts";
import { streamingHub } from "../../src/http/streaming/hub.ts";
import { eachServer } from "../helpers/server.ts";
import { type EventLog, openSse, openWebSocket, statusIdOf } from "../helpers/streaming.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];

eachServer("streaming and moderation", (server) => {
  let mod: TestUser;
  let fan: TestUser; // follows everyone who posts here
  const closers: (() => void)[] = [];
  const base = () => server().url;
  const ctx = () => server().kith.ctx;
  const hub = () => streamingHub(ctx());
  const call = (user: TestUser, method: string, path: string, body?: unknown) =>
    api(base(), method, path, { token: user.token, ...(body === undefined ? {} : { body }) });
  const post = async (user: TestUser, status: string) => {
    const r = await call(user, "POST", "/api/v1/statuses", { status });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json.id as string;
  };
  const sse = async (user: TestUser, path: string) => {
    const client = await openSse(`${base()}/api/v1/streaming/${path}`, user.token);
    assert.equal(client.status, 200, client.body);
    closers.push(client.close);
    return client;
  };
  /** An SSE stream whose `ended` settles when the server closes it. */
  const endingSse = async (user: TestUser, path: string) => {
    const abort = new AbortController();
    closers.push(() => abort.abort());
    const res = await fetch(`${base()}/api/v1/streaming/${path}`, {
      headers: { Authorization: `Bearer ${user.token}` },
      signal: abort.signal,
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const ended = (async () => {
      while (!(await reader.read()).done);
    })();
    return { ended };
  };
  const waitSubscribed = async (user: TestUser, name: "user" | "user:notification") => {
    const deadline = Date.now() + 10_000;
    while (!hub().isSubscribed(user.accountId, name)) {
      if (Date.now() > deadline) throw new Error(`${name} never subscribed`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  /** Opens both kinds of stream for `user`; resolves when the server has ended both. */
  async function openBoth(user: TestUser) {
    const ws = await openWebSocket(
      `${base().replace(/^http/, "ws")}/api/v1/streaming?stream=user`,
      {
        protocols: [user.token],
      },
    );
    closers.push(ws.close);
    const wsClosed = new Promise<void>((resolve) =>
      ws.socket.addEventListener("close", () => resolve()),
    );
    const { ended } = await endingSse(user, "user");
    await waitSubscribed(user, "user");
    return Promise.all([wsClosed, ended]);
  }
  const follow = async (user: TestUser, target: TestUser) => {
    const r = await call(user, "POST", `/api/v1/accounts/${target.accountId}/follow`);
    assert.equal(r.status, 200);
  };
  /** Waits until `log` has `control`, then says whether any event names `statusId`. */
  async function heardAfter(log: EventLog, control: string, statusId: string) {
    await log.waitFor((e) => e.event === "update" && statusIdOf(e) === control, "the control");
    return log.events.filter((e) => e.payload?.includes(statusId) ?? false).length;
  }

  before(async () => {
    mod = await createUser(ctx(), { role: "moderator", scopes: STAFF_SCOPES });
    fan = await createUser(ctx());
  });
  after(() => {
    for (const close of closers) close();
  });

  it("ends a suspended account's streams at the heartbeat; followers hear no more of it", async () => {
    const eve = await createUser(ctx());
    const friend = await createUser(ctx());
    await follow(fan, eve);
    await follow(fan, friend);
    const fanHome = await sse(fan, "user");
    await waitSubscribed(fan, "user");
    const fanPublic = await sse(fan, "public/local");
    const before = await post(eve, "before the suspension");
    await fanHome.log.waitFor((e) => statusIdOf(e) === before, "eve's post at home");
    await fanPublic.log.waitFor((e) => statusIdOf(e) === before, "eve's post in public");
    const ended = openBoth(eve);
    await new Promise((r) => setTimeout(r, 50));

    const suspended = await call(mod, "POST", `/api/v1/admin/accounts/${eve.accountId}/action`, {
      type: "suspend",
    });
    assert.equal(suspended.status, 200, JSON.stringify(suspended.json));
    await hub().beat();
    await ended;
    assert.equal(hub().isSubscribed(eve.accountId, "user"), false);
    // A new connection is refused outright.
    const again = await openSse(`${base()}/api/v1/streaming/user`, eve.token);
    assert.ok([401, 403].includes(again.status), `refused: ${again.status}`);

    // Published again (a retry, a late fan-out): re-checked, so it reaches nobody.
    const counted = (log: EventLog) => log.events.filter((e) => statusIdOf(e) === before).length;
    const [homeBefore, publicBefore] = [counted(fanHome.log), counted(fanPublic.log)];
    await streamToHomes(ctx(), before, [fan.accountId]);
    await streamNewStatus(ctx(), before);
    const control = await post(friend, "still here");
    await fanHome.log.waitFor((e) => statusIdOf(e) === control, "friend's post at home");
    await fanPublic.log.waitFor((e) => statusIdOf(e) === control, "friend's post in public");
    assert.equal(counted(fanHome.log), homeBefore);
    assert.equal(counted(fanPublic.log), publicBefore);
    // No delete events either, as Mastodon on suspension.
    assert.equal(
      fanHome.log.events.some((e) => e.event === "delete" && e.payload === before),
      false,
    );
  });

  it("ends a deleted account's streams at the heartbeat; followers hear no more of it", async () => {
    const gus = await createUser(ctx());
    const friend = await createUser(ctx());
    await follow(fan, gus);
    await follow(fan, friend);
    const fanHome = await sse(fan, "user");
    await waitSubscribed(fan, "user");
    const earlier = await post(gus, "soon gone");
    await fanHome.log.waitFor((e) => statusIdOf(e) === earlier, "gus's post");
    const ended = openBoth(gus);
    await new Promise((r) => setTimeout(r, 50));
    await deleteLocal(ctx(), gus.username);
    await hub().beat();
    await ended;
    assert.equal(hub().isSubscribed(gus.accountId, "user"), false);
    const before = fanHome.log.events.length;
    await streamToHomes(ctx(), earlier, [fan.accountId]);
    const control = await post(friend, "after gus left");
    assert.equal(await heardAfter(fanHome.log, control, earlier), 1, "only the first time");
    assert.ok(fanHome.log.events.length > before);
  });

  it("streams admin.sign_up and admin.report to staff, moderation_warning to its target", async () => {
    const bob = await createUser(ctx());
    const carol = await createUser(ctx());
    const staffLog = (await sse(mod, "user/notification")).log;
    await waitSubscribed(mod, "user:notification");
    const bobWs = await openWebSocket(
      `${base().replace(/^http/, "ws")}/api/v1/streaming?stream=user`,
      { protocols: [bob.token] },
    );
    closers.push(bobWs.close);
    await waitSubscribed(bob, "user");
    const notification = (log: EventLog, type: string) =>
      log.waitFor(
        (e) => e.event === "notification" && JSON.parse(e.payload!).type === type,
        `a ${type} notification`,
      );

    const newcomer = await signUp(ctx(), {
      username: "newcomer",
      email: "newcomer@example.test",
      password: "a long and unusual passphrase",
      agreement: true,
      ip: null,
    });
    const signedUp = JSON.parse((await notification(staffLog, "admin.sign_up")).payload!);
    assert.equal(signedUp.account.id, newcomer.accountId);

    const report = await call(carol, "POST", "/api/v1/reports", {
      account_id: bob.accountId,
      comment: "rude",
    });
    assert.equal(report.status, 200, JSON.stringify(report.json));
    const reported = JSON.parse((await notification(staffLog, "admin.report")).payload!);
    assert.equal(reported.account.id, carol.accountId);
    assert.equal(reported.report.id, report.json.id);
    assert.equal(reported.report.target_account.id, bob.accountId);

    const warned = await call(mod, "POST", `/api/v1/admin/accounts/${bob.accountId}/action`, {
      type: "none",
      text: "Please be kind",
    });
    assert.equal(warned.status, 200, JSON.stringify(warned.json));
    const warning = JSON.parse((await notification(bobWs.log, "moderation_warning")).payload!);
    assert.equal(warning.moderation_warning.action, "none");
    assert.equal(warning.moderation_warning.text, "Please be kind");
    assert.deepEqual(
      bobWs.log.events.map((e) => e.stream),
      [["user"]],
    );
  });
});
