// Web Push: the subscription API (one subscription per access token) and delivery to a push
// service on loopback, whose requests are decrypted here (RFC 8291) and whose VAPID header is
// verified against the instance's public key (RFC 8292), on both databases.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createRestAPIClient } from "masto";
import { signUp } from "../../src/domain/accounts/registration.ts";
import { pushJob } from "../../src/domain/push/deliver.ts";
import { plainText, truncate } from "../../src/domain/push/payload.ts";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import {
  decryptLegacyPush,
  decryptPush,
  newUserAgentKeys,
  type PushService,
  startPushService,
  type UserAgentKeys,
  verifyVapid,
} from "../helpers/push-service.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { followOk } from "./accounts-fixtures.ts";
import { postStatus } from "./notifications-fixtures.ts";

function subscriptionForm(
  endpoint: string,
  keys: UserAgentKeys,
  alerts: Record<string, boolean>,
  policy?: string,
  standard = true,
): Record<string, string> {
  const form: Record<string, string> = {
    "subscription[endpoint]": endpoint,
    "subscription[keys][p256dh]": keys.p256dh,
    "subscription[keys][auth]": keys.auth,
  };
  if (standard) form["subscription[standard]"] = "true";
  for (const [type, on] of Object.entries(alerts)) form[`data[alerts][${type}]`] = String(on);
  if (policy) form["data[policy]"] = policy;
  return form;
}

eachServer("Web Push", (server) => {
  const ctx = () => server().kith.ctx;
  const url = () => server().url;
  let push: PushService;
  before(async () => {
    push = await startPushService();
  });
  after(async () => {
    await push.close();
  });

  async function subscribe(
    user: TestUser,
    name: string,
    alerts: Record<string, boolean>,
    policy?: string,
    standard = true,
  ) {
    const keys = newUserAgentKeys();
    const res = await api(url(), "POST", "/api/v1/push/subscription", {
      token: user.token,
      form: subscriptionForm(push.endpoint(name), keys, alerts, policy, standard),
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return { keys, subscription: res.json };
  }
  const pushesTo = (name: string) => push.received.filter((p) => p.path === `/push/${name}`);
  async function waitForPushes(name: string, count: number, timeoutMs = 10_000) {
    const until = Date.now() + timeoutMs;
    while (pushesTo(name).length < count) {
      if (Date.now() > until) throw new Error(`expected ${count} pushes to ${name}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return pushesTo(name);
  }
  const serverKey = async () =>
    (await api(url(), "GET", "/api/v2/instance")).json.configuration.vapid.public_key as string;

  it("subscribes, shows, changes, replaces and ends the token's subscription", async () => {
    const alice = await createUser(ctx());
    const keys = newUserAgentKeys();
    const created = await api(url(), "POST", "/api/v1/push/subscription", {
      token: alice.token,
      form: subscriptionForm(
        push.endpoint("crud"),
        keys,
        { mention: true, follow: true },
        "followed",
      ),
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const key = await serverKey();
    assert.match(key, /^[A-Za-z0-9_-]{87}$/, "a base64url P-256 point");
    assert.deepEqual(created.json, {
      id: created.json.id,
      endpoint: push.endpoint("crud"),
      standard: true,
      alerts: {
        mention: true,
        status: false,
        reblog: false,
        follow: true,
        follow_request: false,
        favourite: false,
        poll: false,
        update: false,
        "admin.sign_up": false,
        "admin.report": false,
        moderation_warning: false,
      },
      server_key: key,
      policy: "followed",
    });
    if (!OPENAPI_SKIP_REASON)
      await validateResponse("POST", "/api/v1/push/subscription", 200, created.json);

    const shown = await api(url(), "GET", "/api/v1/push/subscription", { token: alice.token });
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.json, created.json);
    if (!OPENAPI_SKIP_REASON)
      await validateResponse("GET", "/api/v1/push/subscription", 200, shown.json);

    // PUT replaces the data, as Mastodon: unnamed alerts go off, the policy back to `all`.
    const changed = await api(url(), "PUT", "/api/v1/push/subscription", {
      token: alice.token,
      body: { data: { alerts: { favourite: true } } },
    });
    assert.equal(changed.status, 200);
    assert.equal(changed.json.id, created.json.id);
    assert.equal(changed.json.alerts.favourite, true);
    assert.equal(changed.json.alerts.mention, false);
    assert.equal(changed.json.policy, "all");
    if (!OPENAPI_SKIP_REASON)
      await validateResponse("PUT", "/api/v1/push/subscription", 200, changed.json);
    const bad = await api(url(), "PUT", "/api/v1/push/subscription", {
      token: alice.token,
      body: { data: { policy: "everyone" } },
    });
    assert.equal(bad.status, 422);
    assert.match(bad.json.error, /Policy/);

    // Another token of the same user has its own (here: none).
    const other = await createUser(ctx());
    const second = await api(url(), "GET", "/api/v1/push/subscription", { token: other.token });
    assert.equal(second.status, 404);

    // Subscribing again with the token replaces its subscription.
    const again = await subscribe(alice, "crud2", { poll: true });
    assert.notEqual(again.subscription.id, created.json.id);
    const now = await api(url(), "GET", "/api/v1/push/subscription", { token: alice.token });
    assert.equal(now.json.endpoint, push.endpoint("crud2"));
    const rows = await ctx()
      .db.kysely.selectFrom("web_push_subscriptions")
      .select("id")
      .where("account_id", "=", alice.accountId)
      .execute();
    assert.equal(rows.length, 1);

    const removed = await api(url(), "DELETE", "/api/v1/push/subscription", {
      token: alice.token,
    });
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.json, {});
    if (!OPENAPI_SKIP_REASON)
      await validateResponse("DELETE", "/api/v1/push/subscription", 200, removed.json);
    const gone = await api(url(), "GET", "/api/v1/push/subscription", { token: alice.token });
    assert.equal(gone.status, 404);
    const putGone = await api(url(), "PUT", "/api/v1/push/subscription", {
      token: alice.token,
      body: { data: { alerts: { mention: true } } },
    });
    assert.equal(putGone.status, 404);
  });

  it("refuses bad input and tokens without the push scope", async () => {
    const noPush = await createUser(ctx(), { scopes: ["read", "write"] });
    const keys = newUserAgentKeys();
    const form = subscriptionForm(push.endpoint("x"), keys, { mention: true });
    const denied = await api(url(), "POST", "/api/v1/push/subscription", {
      token: noPush.token,
      form,
    });
    assert.equal(denied.status, 403);
    const anonymous = await api(url(), "GET", "/api/v1/push/subscription");
    assert.equal(anonymous.status, 401);

    const alice = await createUser(ctx());
    const post = (f: Record<string, string>) =>
      api(url(), "POST", "/api/v1/push/subscription", { token: alice.token, form: f });
    assert.equal((await post({ "data[policy]": "all" })).status, 400, "no subscription");
    const badKey = await post({ ...form, "subscription[keys][p256dh]": "bm90IGEga2V5" });
    assert.equal(badKey.status, 422);
    assert.match(badKey.json.error, /p256dh/);
    const badUrl = await post({ ...form, "subscription[endpoint]": "ftp://example.com/x" });
    assert.equal(badUrl.status, 422);
    const badPolicy = await post({ ...form, "data[policy]": "friends" });
    assert.equal(badPolicy.status, 422);
  });

  it("works through masto.js (client.v1.push.subscription)", async () => {
    const alice = await createUser(ctx());
    const client = createRestAPIClient({ url: url(), accessToken: alice.token });
    const keys = newUserAgentKeys();
    const created = await client.v1.push.subscription.create({
      subscription: {
        endpoint: push.endpoint("masto"),
        keys: { p256dh: keys.p256dh, auth: keys.auth },
      },
      data: { alerts: { mention: true, reblog: true } },
      policy: "follower",
    });
    assert.equal(created.endpoint, push.endpoint("masto"));
    assert.equal(created.alerts.mention, true);
    assert.equal(created.alerts.favourite, false);
    assert.equal(created.policy, "follower");
    const fetched = await client.v1.push.subscription.fetch();
    assert.equal(fetched.id, created.id);
    const updated = await client.v1.push.subscription.update({
      data: { alerts: { favourite: true } },
    });
    assert.equal(updated.alerts.favourite, true);
    assert.equal(updated.alerts.mention, false);
    await client.v1.push.subscription.remove();
    await assert.rejects(client.v1.push.subscription.fetch(), /Record not found/);
  });

  it("publishes one VAPID key in both instance APIs and every subscription", async () => {
    const v2 = await api(url(), "GET", "/api/v2/instance");
    const v1 = await api(url(), "GET", "/api/v1/instance");
    const key = v2.json.configuration.vapid.public_key;
    assert.equal(v1.json.configuration.vapid.public_key, key);
    assert.equal(Buffer.from(key, "base64url").length, 65);
    assert.equal(Buffer.from(key, "base64url")[0], 4, "an uncompressed point");
    const alice = await createUser(ctx());
    const { subscription } = await subscribe(alice, "key", {});
    assert.equal(subscription.server_key, key);
    assert.equal(await serverKey(), key, "made once, then kept");
    const app = await api(url(), "POST", "/api/v1/apps", {
      body: { client_name: "pusher", redirect_uris: "urn:ietf:wg:oauth:2.0:oob" },
    });
    assert.equal(app.status, 200);
    assert.equal(app.json.vapid_key, key, "the deprecated Application field too");
  });

  it("pushes a new notification, encrypted for the subscriber and signed by the server", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    await ctx()
      .db.kysely.updateTable("accounts")
      .set({ display_name: "Bob <Builder>" })
      .where("id", "=", bob.accountId)
      .execute();
    const { keys } = await subscribe(alice, "deliver", { mention: true });
    await postStatus(url(), bob, {
      status: `@${alice.username} hello &amp; <b>welcome</b>`,
    });
    const [received] = await waitForPushes("deliver", 1);
    assert.equal(received!.headers["content-encoding"], "aes128gcm");
    assert.equal(received!.headers.ttl, String(48 * 3600));
    assert.equal(received!.headers.urgency, "normal");
    const text = decryptPush(keys, received!.body);
    const message = JSON.parse(text);
    const listed = await api(url(), "GET", "/api/v1/notifications", { token: alice.token });
    const notification = listed.json[0];
    assert.equal(notification.type, "mention");
    assert.match(text, new RegExp(`"notification_id":${BigInt(notification.id)}[,}]`));
    assert.equal(message.access_token, alice.token);
    assert.equal(message.notification_type, "mention");
    assert.equal(message.preferred_locale, "en");
    assert.equal(message.title, "You were mentioned by Bob <Builder>");
    // Tags stripped and entities decoded, as Mastodon's strip_tags and HTMLEntities.decode.
    assert.equal(message.body, `@${alice.username} hello & welcome`);
    assert.equal(message.icon, `${url()}/static/avatar.png`);
    assert.deepEqual(Object.keys(message).sort(), [
      "access_token",
      "body",
      "icon",
      "notification_id",
      "notification_type",
      "preferred_locale",
      "title",
    ]);
    const claims = verifyVapid(
      received!.headers.authorization as string,
      await serverKey(),
      push.endpoint("deliver"),
    );
    assert.match(claims.sub, /^mailto:/);
    // Someone else's keys cannot read it.
    assert.throws(() => decryptPush(newUserAgentKeys(), received!.body));
  });

  it("sends the pre-4.4 draft format to subscriptions that are not standard", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const { keys, subscription } = await subscribe(
      alice,
      "legacy",
      { mention: true },
      "all",
      false,
    );
    assert.equal(subscription.standard, false);
    await postStatus(url(), bob, { status: `@${alice.username} old style` });
    const [received] = await waitForPushes("legacy", 1);
    assert.equal(received!.headers["content-encoding"], "aesgcm");
    assert.throws(() => decryptPush(keys, received!.body), "not aes128gcm");
    const message = JSON.parse(decryptLegacyPush(keys, received!.headers, received!.body));
    assert.equal(message.body, `@${alice.username} old style`);
    assert.equal(message.access_token, alice.token);
    const key = await serverKey();
    const cryptoKey = String(received!.headers["crypto-key"]);
    assert.match(cryptoKey, new RegExp(`p256ecdsa=${key}`));
    verifyVapid(received!.headers.authorization as string, key, push.endpoint("legacy"), key);
    assert.match(String(received!.headers.authorization), /^WebPush /);
  });

  it("pushes sign-ups and reports to staff and a moderation warning to its target, by alert", async () => {
    const staffScopes = ["read", "write", "push", "admin:read", "admin:write"];
    const mod = await createUser(ctx(), { role: "moderator", scopes: staffScopes });
    const quietMod = await createUser(ctx(), { role: "moderator", scopes: staffScopes });
    const bob = await createUser(ctx());
    const carol = await createUser(ctx());
    const modKeys = (await subscribe(mod, "staff", { "admin.sign_up": true, "admin.report": true }))
      .keys;
    await subscribe(quietMod, "quiet-staff", { mention: true });
    const bobKeys = (await subscribe(bob, "warned", { moderation_warning: true })).keys;
    const shown = await api(url(), "GET", "/api/v1/push/subscription", { token: bob.token });
    assert.equal(shown.json.alerts.moderation_warning, true);
    assert.equal(shown.json.alerts["admin.report"], false);

    const newcomer = await signUp(ctx(), {
      username: "newcomer",
      email: "newcomer@example.test",
      password: "a long and unusual passphrase",
      agreement: true,
      ip: null,
    });
    const report = await api(url(), "POST", "/api/v1/reports", {
      token: carol.token,
      body: { account_id: bob.accountId, comment: "not nice" },
    });
    assert.equal(report.status, 200, JSON.stringify(report.json));
    const [first, second] = await waitForPushes("staff", 2);
    const staffMessages = [first!, second!].map((p) => JSON.parse(decryptPush(modKeys, p.body)));
    assert.deepEqual(staffMessages.map((m) => [m.notification_type, m.title]).sort(), [
      ["admin.report", `${carol.username} submitted a report`],
      ["admin.sign_up", "newcomer signed up"],
    ]);
    assert.ok(newcomer.accountId);

    const warned = await api(url(), "POST", `/api/v1/admin/accounts/${bob.accountId}/action`, {
      token: mod.token,
      body: { type: "none", text: "Please <b>be kind</b>" },
    });
    assert.equal(warned.status, 200, JSON.stringify(warned.json));
    const [warning] = await waitForPushes("warned", 1);
    const text = decryptPush(bobKeys, warning!.body);
    const message = JSON.parse(text);
    assert.equal(message.notification_type, "moderation_warning");
    assert.equal(message.title, "You have received a moderation warning");
    assert.equal(message.body, "Please be kind");
    const listed = await api(url(), "GET", "/api/v1/notifications", { token: bob.token });
    assert.match(text, new RegExp(`"notification_id":${BigInt(listed.json[0].id)}[,}]`));
    assert.equal(listed.json[0].type, "moderation_warning");
    // The moderator who asked only for mentions got none of it.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(pushesTo("quiet-staff").length, 0);
    assert.equal(pushesTo("staff").length, 2);
  });

  it("sends nothing for a disabled alert or a sender the policy leaves out", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const carol = await createUser(ctx());
    const { keys } = await subscribe(
      alice,
      "alerts",
      { mention: true, favourite: false },
      "followed",
    );
    const own = await postStatus(url(), alice, { status: "mine" });
    await followOk(url(), alice, carol);
    // Off: a favourite (alert disabled) and a mention by bob, whom alice does not follow.
    const fav = await api(url(), "POST", `/api/v1/statuses/${own.id}/favourite`, {
      token: carol.token,
    });
    assert.equal(fav.status, 200);
    await postStatus(url(), bob, { status: `@${alice.username} from bob` });
    // On: a mention by carol, whom she follows. It is the only push that comes.
    await postStatus(url(), carol, { status: `@${alice.username} from carol` });
    await waitForPushes("alerts", 1);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(pushesTo("alerts").length, 1);
    const message = JSON.parse(decryptPush(keys, pushesTo("alerts")[0]!.body));
    assert.equal(message.body, `@${alice.username} from carol`);
    const listed = await api(url(), "GET", "/api/v1/notifications", { token: alice.token });
    assert.equal(listed.json.length, 3, "all three were notified, only one pushed");
  });

  it("deletes the subscription when the push service says it is gone (410)", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    await subscribe(alice, "gone", { mention: true });
    push.answers.push(410);
    await postStatus(url(), bob, { status: `@${alice.username} anyone there?` });
    await waitForPushes("gone", 1);
    const until = Date.now() + 5000;
    let status = 200;
    while (status !== 404 && Date.now() < until) {
      status = (await api(url(), "GET", "/api/v1/push/subscription", { token: alice.token }))
        .status;
      if (status !== 404) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(status, 404);
  });

  it("retries after a server error (500) and then delivers the same message", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const { keys } = await subscribe(alice, "retry", { mention: true });
    push.answers.push(500);
    await postStatus(url(), bob, { status: `@${alice.username} try again` });
    const [first, second] = await waitForPushes("retry", 2, 15_000);
    const a = JSON.parse(decryptPush(keys, first!.body));
    const b = JSON.parse(decryptPush(keys, second!.body));
    assert.equal(a.title, b.title);
    assert.equal(a.body, `@${alice.username} try again`);
    assert.equal(b.body, a.body);
    const still = await api(url(), "GET", "/api/v1/push/subscription", { token: alice.token });
    assert.equal(still.status, 200, "a server error does not end the subscription");
  });

  it("refuses endpoints on private addresses outside development mode", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    // No alert on, so the worker queues nothing: the job is run here, as production runs it.
    const { subscription } = await subscribe(alice, "private", { mention: false });
    await ctx()
      .db.kysely.updateTable("web_push_subscriptions")
      .set({ endpoint: push.endpoint("private").replace("http:", "https:") })
      .where("id", "=", subscription.id)
      .execute();
    await postStatus(url(), bob, { status: `@${alice.username} psst` });
    const notification = (await api(url(), "GET", "/api/v1/notifications", { token: alice.token }))
      .json[0];
    const production = { ...ctx(), config: { ...ctx().config, devMode: false } };
    await pushJob(production, { subscriptionId: subscription.id, notificationId: notification.id });
    assert.equal(pushesTo("private").length, 0);
    const left = await ctx()
      .db.kysely.selectFrom("web_push_subscriptions")
      .select("id")
      .where("id", "=", subscription.id)
      .execute();
    assert.equal(left.length, 0, "a subscription that points inside is dropped");
  });
});

describe("push helpers", () => {
  it("cuts the body to 140 characters and strips tags as Mastodon", () => {
    const long = "é".repeat(200);
    assert.equal(truncate(long), `${"é".repeat(137)}...`);
    assert.equal([...truncate(long)].length, 140);
    assert.equal(truncate("short"), "short");
    assert.equal(plainText("<p>a &amp; b</p><p>c&#39;d &lt;e&gt;</p>"), "a & b c'd <e>");
  });

  it("decryptPush fails on a tampered message", async () => {
    // Guards the guard: the decryption above must be able to fail.
    const keys = newUserAgentKeys();
    assert.throws(() => decryptPush(keys, Buffer.alloc(120, 1)));
  });
});
