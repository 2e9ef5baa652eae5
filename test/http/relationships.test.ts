// Following through the API: follow options, counters, home feeds, the locked-account flow
// with follow requests, refusals and scopes, remote targets, removing followers and notes, on
// both databases.
import assert from "node:assert/strict";
import { it } from "node:test";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import {
  blockAccount,
  createRemoteAccount,
  followOk,
  getAccountJson,
  links,
  setAccount,
} from "./accounts-fixtures.ts";

eachServer("relationships API", (server) => {
  const ctx = () => server().kith.ctx;
  const relationship = async (viewer: TestUser, id: string) => {
    const res = await api(server().url, "GET", `/api/v1/accounts/relationships?id[]=${id}`, {
      token: viewer.token,
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json[0];
  };
  const notificationTypes = async (user: TestUser) => {
    const res = await api(server().url, "GET", "/api/v1/notifications", { token: user.token });
    assert.equal(res.status, 200);
    return res.json.map(
      (n: { type: string; account: { id: string } }) => `${n.type}:${n.account.id}`,
    );
  };

  it("follows an unlocked account, updates options on re-POST, and counts", async () => {
    const { url } = server();
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const post = await api(url, "POST", "/api/v1/statuses", {
      token: bob.token,
      body: { status: "before the follow" },
    });
    assert.equal(post.status, 200);

    const rel = await followOk(url, alice, bob);
    assert.equal(rel.id, bob.accountId);
    assert.equal(rel.following, true);
    assert.equal(rel.requested, false);
    assert.equal(rel.showing_reblogs, true);
    assert.equal(rel.notifying, false);
    assert.equal(rel.languages, null);
    assert.equal(rel.followed_by, false);
    assert.equal(rel.note, "");
    assert.deepEqual(Object.keys(rel).sort(), [
      "blocked_by",
      "blocking",
      "domain_blocking",
      "endorsed",
      "followed_by",
      "following",
      "id",
      "languages",
      "muting",
      "muting_expires_at",
      "muting_notifications",
      "note",
      "notifying",
      "requested",
      "requested_by",
      "showing_reblogs",
    ]);
    assert.equal((await getAccountJson(url, alice.accountId)).following_count, 1);
    assert.equal((await getAccountJson(url, bob.accountId)).followers_count, 1);
    assert.deepEqual(await notificationTypes(bob), [`follow:${alice.accountId}`]);
    assert.equal((await relationship(bob, alice.accountId)).followed_by, true);

    // The follow brought bob's earlier post into alice's home feed.
    const home = await api(url, "GET", "/api/v1/timelines/home", { token: alice.token });
    assert.ok(home.json.some((s: { id: string }) => s.id === post.json.id));

    const changed = await followOk(url, alice, bob, {
      reblogs: false,
      notify: true,
      languages: ["en", "de-AT"],
    });
    assert.equal(changed.following, true);
    assert.equal(changed.showing_reblogs, false);
    assert.equal(changed.notifying, true);
    assert.deepEqual(changed.languages, ["en", "de"]);
    const form = await api(url, "POST", `/api/v1/accounts/${bob.accountId}/follow`, {
      token: alice.token,
      form: { reblogs: "true" },
    });
    assert.equal(form.json.showing_reblogs, true);
    assert.equal(form.json.notifying, true, "options not sent stay as they were");
    // Re-following neither counts nor notifies twice.
    assert.equal((await getAccountJson(url, bob.accountId)).followers_count, 1);
    assert.equal((await notificationTypes(bob)).length, 1);
    const badLanguage = await api(url, "POST", `/api/v1/accounts/${bob.accountId}/follow`, {
      token: alice.token,
      body: { languages: ["xx-nope"] },
    });
    assert.equal(badLanguage.status, 422);

    const unfollowed = await api(url, "POST", `/api/v1/accounts/${bob.accountId}/unfollow`, {
      token: alice.token,
    });
    assert.equal(unfollowed.status, 200);
    assert.equal(unfollowed.json.following, false);
    assert.equal(unfollowed.json.showing_reblogs, false);
    assert.equal((await getAccountJson(url, alice.accountId)).following_count, 0);
    assert.equal((await getAccountJson(url, bob.accountId)).followers_count, 0);
    assert.deepEqual(
      await notificationTypes(bob),
      [],
      "the follow notification goes with the follow",
    );
    const homeAfter = await api(url, "GET", "/api/v1/timelines/home", { token: alice.token });
    assert.ok(!homeAfter.json.some((s: { id: string }) => s.id === post.json.id));
    // Unfollowing again is harmless and does not drive counters below zero.
    await api(url, "POST", `/api/v1/accounts/${bob.accountId}/unfollow`, { token: alice.token });
    assert.equal((await getAccountJson(url, bob.accountId)).followers_count, 0);
  });

  it("a locked account gets a follow request, and authorizing it makes a follow", async () => {
    const { url } = server();
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    await api(url, "PATCH", "/api/v1/accounts/update_credentials", {
      token: bob.token,
      body: { locked: true },
    });
    const rel = await followOk(url, alice, bob, { notify: true });
    assert.equal(rel.following, false);
    assert.equal(rel.requested, true);
    assert.equal(rel.notifying, true, "options show through the pending request");
    assert.equal((await getAccountJson(url, bob.accountId)).followers_count, 0);
    assert.deepEqual(await notificationTypes(bob), [`follow_request:${alice.accountId}`]);
    assert.equal((await relationship(bob, alice.accountId)).requested_by, true);
    const creds = await api(url, "GET", "/api/v1/accounts/verify_credentials", {
      token: bob.token,
    });
    assert.equal(creds.json.source.follow_requests_count, 1);

    const requests = await api(url, "GET", "/api/v1/follow_requests", { token: bob.token });
    assert.equal(requests.status, 200);
    assert.deepEqual(
      requests.json.map((a: { id: string }) => a.id),
      [alice.accountId],
    );
    assert.ok(links(requests.headers).prev);

    // Someone who did not ask cannot be authorized.
    const carol = await createUser(ctx());
    const notAsked = await api(
      url,
      "POST",
      `/api/v1/follow_requests/${carol.accountId}/authorize`,
      {
        token: bob.token,
      },
    );
    assert.equal(notAsked.status, 404);
    assert.equal(
      (await api(url, "POST", "/api/v1/follow_requests/nope/authorize", { token: bob.token }))
        .status,
      404,
    );

    const authorized = await api(
      url,
      "POST",
      `/api/v1/follow_requests/${alice.accountId}/authorize`,
      {
        token: bob.token,
      },
    );
    assert.equal(authorized.status, 200);
    assert.equal(authorized.json.id, alice.accountId);
    assert.equal(authorized.json.followed_by, true);
    assert.equal(authorized.json.requested_by, false);
    const aliceSide = await relationship(alice, bob.accountId);
    assert.equal(aliceSide.following, true);
    assert.equal(aliceSide.requested, false);
    assert.equal(aliceSide.notifying, true, "the request's options carry over");
    assert.equal((await getAccountJson(url, bob.accountId)).followers_count, 1);
    assert.equal((await getAccountJson(url, alice.accountId)).following_count, 1);
    assert.deepEqual(await notificationTypes(bob), [`follow:${alice.accountId}`]);
    const empty = await api(url, "GET", "/api/v1/follow_requests", { token: bob.token });
    assert.deepEqual(empty.json, []);
  });

  it("rejecting, withdrawing and unlocking settle pending requests", async () => {
    const { url } = server();
    const bob = await createUser(ctx());
    const [a, b, c] = [await createUser(ctx()), await createUser(ctx()), await createUser(ctx())];
    await setAccount(ctx(), bob.accountId, { locked: 1 });
    for (const u of [a, b, c]) assert.equal((await followOk(url, u, bob)).requested, true);

    const rejected = await api(url, "POST", `/api/v1/follow_requests/${a.accountId}/reject`, {
      token: bob.token,
    });
    assert.equal(rejected.status, 200);
    assert.equal(rejected.json.requested_by, false);
    assert.equal((await relationship(a, bob.accountId)).requested, false);
    const again = await api(url, "POST", `/api/v1/follow_requests/${a.accountId}/reject`, {
      token: bob.token,
    });
    assert.equal(again.status, 404);

    const withdrawn = await api(url, "POST", `/api/v1/accounts/${bob.accountId}/unfollow`, {
      token: b.token,
    });
    assert.equal(withdrawn.json.requested, false);
    assert.deepEqual(await notificationTypes(bob), [`follow_request:${c.accountId}`]);

    // Unlocking lets everyone still waiting in.
    const unlocked = await api(url, "PATCH", "/api/v1/accounts/update_credentials", {
      token: bob.token,
      body: { locked: false },
    });
    assert.equal(unlocked.json.source.follow_requests_count, 0);
    assert.equal((await relationship(c, bob.accountId)).following, true);
    assert.equal((await relationship(a, bob.accountId)).following, false);
    assert.equal((await getAccountJson(url, bob.accountId)).followers_count, 1);
  });

  it("refuses self-follows, blocked follows, unknown accounts and missing scopes", async () => {
    const { url } = server();
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const self = await api(url, "POST", `/api/v1/accounts/${alice.accountId}/follow`, {
      token: alice.token,
    });
    assert.equal(self.status, 403);
    assert.equal(self.json.error, "Following your own account is not allowed");

    await blockAccount(ctx(), bob.accountId, alice.accountId);
    const blockedBy = await api(url, "POST", `/api/v1/accounts/${bob.accountId}/follow`, {
      token: alice.token,
    });
    assert.equal(blockedBy.status, 403);
    assert.equal(blockedBy.json.error, "This action is not allowed");
    const blocking = await api(url, "POST", `/api/v1/accounts/${alice.accountId}/follow`, {
      token: bob.token,
    });
    assert.equal(blocking.status, 403);
    const rel = await relationship(alice, bob.accountId);
    assert.equal(rel.blocked_by, true);
    assert.equal(rel.blocking, false);
    assert.equal((await relationship(bob, alice.accountId)).blocking, true);

    for (const id of ["999999999999999999", "garbage"]) {
      for (const action of ["follow", "unfollow", "remove_from_followers", "note"]) {
        const res = await api(url, "POST", `/api/v1/accounts/${id}/${action}`, {
          token: alice.token,
        });
        assert.equal(res.status, 404, `${action} ${id}`);
        assert.deepEqual(res.json, { error: "Record not found" });
      }
    }

    const carol = await createUser(ctx());
    const readOnly = await createUser(ctx(), { scopes: ["read"] });
    const refused = await api(url, "POST", `/api/v1/accounts/${carol.accountId}/follow`, {
      token: readOnly.token,
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error, "This action is outside the authorized scopes");
    assert.equal((await relationship(readOnly, carol.accountId)).following, false);
    const followScope = await createUser(ctx(), { scopes: ["follow"] });
    assert.equal((await followOk(url, followScope, carol)).following, true);
    const noToken = await api(url, "POST", `/api/v1/accounts/${carol.accountId}/follow`);
    assert.equal(noToken.status, 401);
    const noReadFollows = await createUser(ctx(), { scopes: ["read:statuses"] });
    const relRefused = await api(
      url,
      "GET",
      `/api/v1/accounts/relationships?id[]=${carol.accountId}`,
      {
        token: noReadFollows.token,
      },
    );
    assert.equal(relRefused.status, 403);

    await setAccount(ctx(), carol.accountId, { suspended_at: new Date().toISOString() });
    const suspended = await api(url, "POST", `/api/v1/accounts/${carol.accountId}/follow`, {
      token: alice.token,
    });
    assert.equal(suspended.status, 404);
  });

  it("follows of remote accounts wait for their Accept", async () => {
    const { url } = server();
    const alice = await createUser(ctx());
    const remoteId = await createRemoteAccount(ctx(), "faraway", "remote.example");
    const rel = await followOk(url, alice, { accountId: remoteId });
    assert.equal(rel.requested, true);
    assert.equal(rel.following, false);
    assert.equal((await getAccountJson(url, alice.accountId)).following_count, 0);
  });

  it("removes a follower and keeps notes", async () => {
    const { url } = server();
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    await followOk(url, bob, alice);
    const removed = await api(
      url,
      "POST",
      `/api/v1/accounts/${bob.accountId}/remove_from_followers`,
      {
        token: alice.token,
      },
    );
    assert.equal(removed.status, 200);
    assert.equal(removed.json.followed_by, false);
    assert.equal((await relationship(bob, alice.accountId)).following, false);
    assert.equal((await getAccountJson(url, alice.accountId)).followers_count, 0);
    assert.equal((await getAccountJson(url, bob.accountId)).following_count, 0);

    const noted = await api(url, "POST", `/api/v1/accounts/${bob.accountId}/note`, {
      token: alice.token,
      body: { comment: "met at the <b>meetup</b>" },
    });
    assert.equal(noted.status, 200);
    assert.equal(noted.json.note, "met at the <b>meetup</b>");
    assert.equal((await relationship(alice, bob.accountId)).note, "met at the <b>meetup</b>");
    assert.equal((await relationship(bob, alice.accountId)).note, "", "notes are private");
    const replaced = await api(url, "POST", `/api/v1/accounts/${bob.accountId}/note`, {
      token: alice.token,
      form: { comment: "second thoughts" },
    });
    assert.equal(replaced.json.note, "second thoughts");
    const cleared = await api(url, "POST", `/api/v1/accounts/${bob.accountId}/note`, {
      token: alice.token,
      body: { comment: "" },
    });
    assert.equal(cleared.json.note, "");
    const tooLong = await api(url, "POST", `/api/v1/accounts/${bob.accountId}/note`, {
      token: alice.token,
      body: { comment: "x".repeat(2001) },
    });
    assert.equal(tooLong.status, 422);
  });
});
