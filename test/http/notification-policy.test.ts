// Notification filtering (Mastodon 4.3): the policy (v2 and v1 shapes), each rule filtering,
// dropping and accepting as set, the notification requests that hold filtered mentions
// (list, show, accept, dismiss, bulk, merged), and that a filtered notification is not
// pushed, on both databases.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { createRestAPIClient } from "masto";
import { notify } from "../../src/domain/notifications/notify.ts";
import { OPENAPI_SKIP_REASON, validateEntity, validateResponse } from "../helpers/openapi.ts";
import {
  decryptPush,
  newUserAgentKeys,
  type PushService,
  startPushService,
} from "../helpers/push-service.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { followOk, links } from "./accounts-fixtures.ts";
import { postStatus } from "./notifications-fixtures.ts";

const DAY = 86_400_000;

eachServer("notification policy and requests", (server) => {
  const ctx = () => server().kith.ctx;
  const url = () => server().url;
  const get = (user: TestUser, path: string) => api(url(), "GET", path, { token: user.token });
  const post = (user: TestUser, path: string, body: unknown = {}) =>
    api(url(), "POST", path, { token: user.token, body });

  async function setPolicy(user: TestUser, changes: Record<string, string>) {
    const res = await api(url(), "PATCH", "/api/v2/notifications/policy", {
      token: user.token,
      body: changes,
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json;
  }
  const mention = (from: TestUser, to: TestUser, extra: Record<string, unknown> = {}) =>
    postStatus(url(), from, { status: `@${to.username} hi`, ...extra });
  /** Senders of the notifications the user sees (v1), newest first. */
  async function seenFrom(user: TestUser, query = ""): Promise<string[]> {
    const res = await get(user, `/api/v1/notifications${query}`);
    assert.equal(res.status, 200);
    return res.json.map((n: { account: { id: string } }) => n.account.id);
  }
  /** How many notifications from `sender` are stored for `user`, filtered or not. */
  async function stored(user: TestUser, sender: TestUser) {
    const rows = await ctx()
      .db.kysely.selectFrom("notifications")
      .select(["type", "filtered"])
      .where("account_id", "=", user.accountId)
      .where("from_account_id", "=", sender.accountId)
      .execute();
    return rows.map((r) => ({ type: r.type, filtered: Number(r.filtered) }));
  }
  const age = async (table: "accounts" | "follows", id: string, days: number) => {
    const created_at = new Date(Date.now() - days * DAY).toISOString();
    if (table === "accounts")
      await ctx()
        .db.kysely.updateTable("accounts")
        .set({ created_at })
        .where("id", "=", id)
        .execute();
    else
      await ctx()
        .db.kysely.updateTable("follows")
        .set({ created_at })
        .where("id", "=", id)
        .execute();
  };

  it("shows Mastodon's defaults and changes the policy in both shapes", async () => {
    const alice = await createUser(ctx());
    const shown = await get(alice, "/api/v2/notifications/policy");
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.json, {
      for_not_following: "accept",
      for_not_followers: "accept",
      for_new_accounts: "accept",
      for_private_mentions: "filter",
      for_limited_accounts: "filter",
      summary: { pending_requests_count: 0, pending_notifications_count: 0 },
    });
    if (!OPENAPI_SKIP_REASON)
      await validateResponse("GET", "/api/v2/notifications/policy", 200, shown.json);

    const changed = await setPolicy(alice, {
      for_not_following: "drop",
      for_new_accounts: "filter",
    });
    assert.equal(changed.for_not_following, "drop");
    assert.equal(changed.for_new_accounts, "filter");
    assert.equal(changed.for_private_mentions, "filter", "unnamed rules keep their value");
    if (!OPENAPI_SKIP_REASON)
      await validateResponse("PATCH", "/api/v2/notifications/policy", 200, changed);
    const bad = await api(url(), "PATCH", "/api/v2/notifications/policy", {
      token: alice.token,
      body: { for_not_followers: "ignore" },
    });
    assert.equal(bad.status, 422);

    const v1 = await get(alice, "/api/v1/notifications/policy");
    assert.equal(v1.status, 200);
    assert.deepEqual(v1.json, {
      filter_not_following: true,
      filter_not_followers: false,
      filter_new_accounts: true,
      filter_private_mentions: true,
      summary: { pending_requests_count: 0, pending_notifications_count: 0 },
    });
    const v1put = await api(url(), "PUT", "/api/v1/notifications/policy", {
      token: alice.token,
      form: { filter_not_followers: "true", filter_private_mentions: "false" },
    });
    assert.equal(v1put.status, 200);
    assert.equal(v1put.json.filter_not_followers, true);
    const after = (await get(alice, "/api/v2/notifications/policy")).json;
    assert.equal(after.for_not_followers, "filter");
    assert.equal(after.for_private_mentions, "accept");
    assert.equal(after.for_not_following, "drop", "v1 leaves what it does not name");

    const reader = await createUser(ctx(), { scopes: ["read"] });
    const denied = await api(url(), "PATCH", "/api/v2/notifications/policy", {
      token: reader.token,
      body: { for_not_following: "filter" },
    });
    assert.equal(denied.status, 403);

    // masto.js
    const client = createRestAPIClient({ url: url(), accessToken: alice.token });
    const viaMasto = await client.v2.notifications.policy.update({ forLimitedAccounts: "drop" });
    assert.equal(viaMasto.forLimitedAccounts, "drop");
    assert.equal((await client.v2.notifications.policy.fetch()).forNotFollowing, "drop");
  });

  it("not following: filter holds a mention back in a request, drop stores nothing", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const carol = await createUser(ctx());
    const friend = await createUser(ctx());
    await followOk(url(), alice, friend);
    await setPolicy(alice, { for_not_following: "filter" });
    const own = await postStatus(url(), alice, { status: "mine" });
    const bobs = await mention(bob, alice);
    await post(bob, `/api/v1/statuses/${own.id}/favourite`);
    await mention(friend, alice);

    assert.deepEqual(await seenFrom(alice), [friend.accountId]);
    const grouped = await get(alice, "/api/v2/notifications");
    assert.deepEqual(
      grouped.json.notification_groups.map(
        (g: { sample_account_ids: string[] }) => g.sample_account_ids,
      ),
      [[friend.accountId]],
    );
    assert.equal((await get(alice, "/api/v1/notifications/unread_count")).json.count, 1);
    assert.equal((await get(alice, "/api/v2/notifications/unread_count")).json.count, 1);
    const withFiltered = await get(alice, "/api/v1/notifications?include_filtered=true");
    assert.deepEqual(
      withFiltered.json.map((n: { type: string }) => n.type),
      ["mention", "favourite", "mention"],
    );
    const groupedFiltered = await get(alice, "/api/v2/notifications?include_filtered=true");
    assert.equal(groupedFiltered.json.notification_groups.length, 3);
    const favGroup = groupedFiltered.json.notification_groups.find(
      (g: { type: string }) => g.type === "favourite",
    );
    assert.deepEqual(favGroup.sample_account_ids, [bob.accountId]);
    assert.equal(favGroup.notifications_count, 1);

    const requests = await get(alice, "/api/v1/notifications/requests");
    assert.equal(requests.status, 200);
    assert.equal(requests.json.length, 1);
    const [request] = requests.json;
    assert.equal(request.account.id, bob.accountId);
    assert.equal(request.notifications_count, "1", "mentions are counted, as Mastodon");
    assert.equal(request.last_status.id, bobs.id);
    if (!OPENAPI_SKIP_REASON) {
      await validateResponse("GET", "/api/v1/notifications/requests", 200, requests.json);
      await validateEntity("NotificationRequest", request);
    }
    const policy = (await get(alice, "/api/v2/notifications/policy")).json;
    assert.deepEqual(policy.summary, { pending_requests_count: 1, pending_notifications_count: 1 });

    await setPolicy(alice, { for_not_following: "drop" });
    await mention(carol, alice);
    assert.deepEqual(await stored(alice, carol), [], "dropped: not stored at all");
    assert.equal((await get(alice, "/api/v1/notifications/requests")).json.length, 1);
    await mention(friend, alice);
    assert.equal((await stored(alice, friend)).length, 2, "followed accounts pass");

    // The request goes with the last filtered mention (here: its status is deleted).
    const deleted = await api(url(), "DELETE", `/api/v1/statuses/${bobs.id}`, { token: bob.token });
    assert.equal(deleted.status, 200);
    assert.deepEqual((await get(alice, "/api/v1/notifications/requests")).json, []);
    const summary = (await get(alice, "/api/v2/notifications/policy")).json.summary;
    assert.deepEqual(summary, { pending_requests_count: 0, pending_notifications_count: 0 });
  });

  it("not followers: filters those who do not follow, or followed less than 3 days ago", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const carol = await createUser(ctx());
    await setPolicy(alice, { for_not_followers: "filter" });
    await mention(carol, alice);
    assert.deepEqual(await stored(alice, carol), [{ type: "mention", filtered: 1 }]);
    const follow = await followOk(url(), bob, alice);
    assert.ok(follow.following);
    await mention(bob, alice);
    assert.deepEqual(
      (await stored(alice, bob)).map((r) => r.filtered),
      [1, 1],
      "a new follower's follow and mention are filtered",
    );
    const row = await ctx()
      .db.kysely.selectFrom("follows")
      .select("id")
      .where("account_id", "=", bob.accountId)
      .where("target_account_id", "=", alice.accountId)
      .executeTakeFirstOrThrow();
    await age("follows", row.id, 4);
    await mention(bob, alice);
    assert.deepEqual(await seenFrom(alice), [bob.accountId]);
  });

  it("new accounts: filters accounts younger than 30 days that one does not follow", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const old = await createUser(ctx());
    const followedNew = await createUser(ctx());
    await age("accounts", old.accountId, 40);
    await followOk(url(), alice, followedNew);
    await setPolicy(alice, { for_new_accounts: "filter" });
    await mention(bob, alice);
    await mention(old, alice);
    await mention(followedNew, alice);
    assert.deepEqual(await stored(alice, bob), [{ type: "mention", filtered: 1 }]);
    assert.deepEqual((await seenFrom(alice)).sort(), [old.accountId, followedNew.accountId].sort());
    await setPolicy(alice, { for_new_accounts: "drop" });
    await mention(bob, alice);
    assert.equal((await stored(alice, bob)).length, 1, "the second mention was dropped");
  });

  it("private mentions: unsolicited direct mentions are filtered by default", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const dave = await createUser(ctx());
    const eve = await createUser(ctx());
    await followOk(url(), alice, eve);
    await mention(bob, alice, { visibility: "direct" });
    await mention(bob, alice, { status: `@${alice.username} in public` });
    // dave answers alice's own direct mention of him: a reply to her, not filtered.
    const hers = await postStatus(url(), alice, {
      status: `@${dave.username} psst`,
      visibility: "direct",
    });
    await mention(dave, alice, { visibility: "direct", in_reply_to_id: hers.id });
    await mention(eve, alice, { visibility: "direct" });
    assert.deepEqual(
      (await stored(alice, bob)).map((r) => r.filtered).sort(),
      [0, 1],
      "only the direct one is filtered",
    );
    assert.deepEqual(
      (await stored(alice, dave)).map((r) => r.filtered),
      [0],
    );
    assert.deepEqual(
      (await stored(alice, eve)).map((r) => r.filtered),
      [0],
    );
    // A direct reply to someone else's post is not an answer to alice.
    const carol = await createUser(ctx());
    const carols = await postStatus(url(), carol, {
      status: `@${dave.username} hey`,
      visibility: "direct",
    });
    await mention(dave, alice, {
      status: `@${alice.username} @${carol.username} look`,
      visibility: "direct",
      in_reply_to_id: carols.id,
    });
    assert.deepEqual((await stored(alice, dave)).map((r) => r.filtered).sort(), [0, 1]);
    await setPolicy(alice, { for_private_mentions: "accept" });
    await mention(bob, alice, { visibility: "direct" });
    assert.equal((await stored(alice, bob)).filter((r) => r.filtered === 0).length, 2);
  });

  it("limited accounts: silenced senders one does not follow are filtered by default", async () => {
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const followedBob = await createUser(ctx());
    await followOk(url(), alice, followedBob);
    for (const u of [bob, followedBob])
      await ctx()
        .db.kysely.updateTable("accounts")
        .set({ silenced_at: new Date().toISOString() })
        .where("id", "=", u.accountId)
        .execute();
    await mention(bob, alice);
    await mention(followedBob, alice);
    assert.deepEqual(await stored(alice, bob), [{ type: "mention", filtered: 1 }]);
    assert.deepEqual(await seenFrom(alice), [followedBob.accountId]);
    await setPolicy(alice, { for_limited_accounts: "drop" });
    await mention(bob, alice);
    assert.equal((await stored(alice, bob)).length, 1);
    await setPolicy(alice, { for_limited_accounts: "accept" });
    await mention(bob, alice);
    assert.ok((await seenFrom(alice)).includes(bob.accountId));
  });

  it("never filters polls, edits, admin notifications or a staff member's mention", async () => {
    const admin = await createUser(ctx(), { role: "admin" });
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const everything = {
      for_not_following: "drop",
      for_not_followers: "drop",
      for_new_accounts: "drop",
      for_private_mentions: "drop",
      for_limited_accounts: "drop",
    };
    await setPolicy(admin, everything);
    await setPolicy(alice, everything);
    const status = await postStatus(url(), bob, { status: "a post" });
    for (const type of ["update", "poll", "status"] as const)
      await notify(ctx(), {
        type,
        recipientId: alice.accountId,
        fromAccountId: bob.accountId,
        statusId: status.id,
      });
    await notify(ctx(), {
      type: "admin.sign_up",
      recipientId: admin.accountId,
      fromAccountId: bob.accountId,
    });
    await mention(admin, alice, { visibility: "direct" });
    await mention(bob, alice);
    const types = (await get(alice, "/api/v1/notifications")).json.map(
      (n: { type: string; account: { id: string } }) =>
        `${n.type}:${n.account.id === admin.accountId ? "admin" : "bob"}`,
    );
    assert.deepEqual(types, ["mention:admin", "status:bob", "poll:bob", "update:bob"]);
    assert.deepEqual(
      (await get(admin, "/api/v1/notifications")).json.map((n: { type: string }) => n.type),
      ["admin.sign_up"],
    );
    // Follows are filterable in Mastodon (Notification::PROPERTIES), and so here.
    await followOk(url(), bob, alice);
    assert.deepEqual(
      (await stored(alice, bob)).filter((r) => r.type === "follow"),
      [],
    );
  });

  it("lists requests with paging, shows, accepts, dismisses, in bulk too; merged", async () => {
    const alice = await createUser(ctx());
    const senders = [];
    for (let i = 0; i < 5; i++) senders.push(await createUser(ctx()));
    await setPolicy(alice, { for_not_following: "filter" });
    const own = await postStatus(url(), alice, { status: "mine" });
    for (const s of senders) {
      await mention(s, alice);
      await mention(s, alice, { status: `@${alice.username} again` });
    }
    await post(senders[0]!, `/api/v1/statuses/${own.id}/favourite`);

    const page1 = await get(alice, "/api/v1/notifications/requests?limit=2");
    assert.equal(page1.json.length, 2);
    assert.deepEqual(
      page1.json.map((r: { account: { id: string } }) => r.account.id),
      [senders[4]!.accountId, senders[3]!.accountId],
    );
    assert.equal(page1.json[0].notifications_count, "2");
    const next = links(page1.headers).next!;
    const page2 = await get(alice, `${next.pathname}${next.search}`);
    assert.deepEqual(
      page2.json.map((r: { account: { id: string } }) => r.account.id),
      [senders[2]!.accountId, senders[1]!.accountId],
    );
    const all = (await get(alice, "/api/v1/notifications/requests")).json as {
      id: string;
      account: { id: string };
    }[];
    const idOf = (u: TestUser) => all.find((r) => r.account.id === u.accountId)!.id;

    const one = await get(alice, `/api/v1/notifications/requests/${idOf(senders[0]!)}`);
    assert.equal(one.status, 200);
    assert.equal(one.json.account.id, senders[0]!.accountId);
    if (!OPENAPI_SKIP_REASON)
      await validateResponse("GET", `/api/v1/notifications/requests/${one.json.id}`, 200, one.json);
    const stranger = await createUser(ctx());
    assert.equal(
      (await get(stranger, `/api/v1/notifications/requests/${one.json.id}`)).status,
      404,
    );
    assert.equal(
      (await post(stranger, `/api/v1/notifications/requests/${one.json.id}/accept`)).status,
      404,
    );

    // Accepting one: its mentions and its favourite join the list, and later ones pass.
    const accepted = await post(
      alice,
      `/api/v1/notifications/requests/${idOf(senders[0]!)}/accept`,
    );
    assert.equal(accepted.status, 200);
    assert.deepEqual(await seenFrom(alice), Array(3).fill(senders[0]!.accountId));
    await mention(senders[0]!, alice);
    assert.equal((await seenFrom(alice)).length, 4, "an accepted sender is not filtered again");
    assert.equal(
      (await get(alice, `/api/v1/notifications/requests/${idOf(senders[0]!)}`)).status,
      404,
    );

    // Dismissing one: its filtered notifications are gone.
    const dismissed = await post(
      alice,
      `/api/v1/notifications/requests/${idOf(senders[1]!)}/dismiss`,
    );
    assert.equal(dismissed.status, 200);
    assert.deepEqual(await stored(alice, senders[1]!), []);

    // In bulk.
    const bulkAccept = await post(alice, "/api/v1/notifications/requests/accept", {
      id: [idOf(senders[2]!), idOf(senders[3]!)],
    });
    assert.equal(bulkAccept.status, 200);
    assert.equal((await seenFrom(alice, `?account_id=${senders[3]!.accountId}`)).length, 2);
    const missing = await post(alice, "/api/v1/notifications/requests/dismiss", {
      id: [idOf(senders[4]!), "999999999999999999"],
    });
    assert.equal(missing.status, 404, "all or nothing: one is not hers");
    const client = createRestAPIClient({ url: url(), accessToken: alice.token });
    const listed = await client.v1.notifications.requests.list();
    assert.deepEqual(
      listed.map((r) => r.account.id),
      [senders[4]!.accountId],
    );
    const viaMasto = await client.v1.notifications.requests.$select(listed[0]!.id).fetch();
    assert.equal(viaMasto.notificationsCount, "2");
    await client.v1.notifications.requests.dismiss({ id: [listed[0]!.id] } as never);
    assert.deepEqual(await stored(alice, senders[4]!), []);
    assert.deepEqual((await client.v1.notifications.requests.merged.fetch()).merged, true);
    const merged = await get(alice, "/api/v1/notifications/requests/merged");
    if (!OPENAPI_SKIP_REASON)
      await validateResponse("GET", "/api/v1/notifications/requests/merged", 200, merged.json);
    assert.deepEqual((await get(alice, "/api/v1/notifications/requests")).json, []);
    const policy = (await get(alice, "/api/v2/notifications/policy")).json;
    assert.deepEqual(policy.summary, { pending_requests_count: 0, pending_notifications_count: 0 });
  });

  describePush(server);
});

/** The two parts together: a filtered notification is not pushed. */
function describePush(
  server: () => { kith: { ctx: import("../../src/domain/context.ts").Context }; url: string },
) {
  let push: PushService;
  before(async () => {
    push = await startPushService();
  });
  after(async () => {
    await push.close();
  });
  it("does not push a filtered notification", async () => {
    const ctx = server().kith.ctx;
    const url = server().url;
    const alice = await createUser(ctx);
    const stranger = await createUser(ctx);
    const friend = await createUser(ctx);
    await followOk(url, alice, friend);
    const keys = newUserAgentKeys();
    const sub = await api(url, "POST", "/api/v1/push/subscription", {
      token: alice.token,
      body: {
        subscription: {
          endpoint: push.endpoint("filtered"),
          keys: { p256dh: keys.p256dh, auth: keys.auth },
          standard: true,
        },
        data: { alerts: { mention: true } },
      },
    });
    assert.equal(sub.status, 200);
    const patched = await api(url, "PATCH", "/api/v2/notifications/policy", {
      token: alice.token,
      body: { for_not_following: "filter" },
    });
    assert.equal(patched.status, 200);
    await postStatus(url, stranger, { status: `@${alice.username} from a stranger` });
    await postStatus(url, friend, { status: `@${alice.username} from a friend` });
    await push.waitFor(1);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(push.received.length, 1);
    assert.equal(
      JSON.parse(decryptPush(keys, push.received[0]!.body)).body,
      `@${alice.username} from a friend`,
    );
  });
}
