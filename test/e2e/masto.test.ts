// Kith driven by masto.js, the client library behind Elk and many bots, as a client app would:
// register, sign up through the API, sign in through the pages, then post, interact, follow,
// read timelines and notifications, and delete.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { createOAuthAPIClient, createRestAPIClient, type mastodon } from "masto";
import { eachServer } from "../helpers/server.ts";
import { authorizeWithPkce, PASSWORD, REDIRECT, type RegisteredApp } from "./client-session.ts";

const SCOPES = "read write follow push profile";

eachServer("masto.js end to end", (server) => {
  let app: RegisteredApp;
  let alice: mastodon.rest.Client;
  let bob: mastodon.rest.Client;
  let aliceId: string;
  let bobId: string;

  before(async () => {
    const url = server().url;
    const anonymous = createRestAPIClient({ url });
    const registered = await anonymous.v1.apps.create({
      clientName: "masto e2e",
      redirectUris: REDIRECT,
      scopes: SCOPES,
      website: "https://example.invalid",
    });
    assert.ok(registered.clientId && registered.clientSecret);
    app = { client_id: registered.clientId, client_secret: registered.clientSecret };

    const oauth = createOAuthAPIClient({ url });
    const appToken = await oauth.token.create({
      grantType: "client_credentials",
      clientId: app.client_id,
      clientSecret: app.client_secret,
      redirectUri: REDIRECT,
      scope: "read write",
    });
    const asApp = createRestAPIClient({ url, accessToken: appToken.accessToken });
    for (const username of ["alice", "bob"]) {
      const signedUp = await asApp.v1.accounts.create({
        username,
        email: `${username}@example.test`,
        password: PASSWORD,
        agreement: true,
        locale: "en",
      });
      assert.ok(signedUp.accessToken, "sign-up answers with a token");
    }

    const aliceToken = await authorizeWithPkce(url, app, "alice@example.test", SCOPES);
    const bobToken = await authorizeWithPkce(url, app, "bob@example.test", SCOPES);
    alice = createRestAPIClient({ url, accessToken: aliceToken });
    bob = createRestAPIClient({ url, accessToken: bobToken });
    aliceId = (await alice.v1.accounts.verifyCredentials()).id;
    bobId = (await bob.v1.accounts.verifyCredentials()).id;
  });

  it("reads the instance as clients do", async () => {
    const instance = await createRestAPIClient({ url: server().url }).v2.instance.fetch();
    assert.equal(instance.apiVersions?.mastodon, 7);
    assert.match(instance.version, /^4\.5\.0/);
  });

  it("posts with a mention, a hashtag and a content warning, and replies", async () => {
    const post = await alice.v1.statuses.create({
      status: "hello @bob, this is #KithTest",
      spoilerText: "a test",
      visibility: "public",
    });
    assert.equal(post.spoilerText, "a test");
    assert.deepEqual(
      post.mentions.map((m) => m.acct),
      ["bob"],
    );
    assert.deepEqual(
      post.tags.map((t) => t.name.toLowerCase()),
      ["kithtest"],
    );
    assert.match(post.content, /class="u-url mention"/);
    const reply = await bob.v1.statuses.create({ status: "@alice hi back", inReplyToId: post.id });
    assert.equal(reply.inReplyToId, post.id);
    const context = await alice.v1.statuses.$select(post.id).context.fetch();
    assert.deepEqual(
      context.descendants.map((s) => s.id),
      [reply.id],
    );
    const plain = await alice.v1.statuses.create({ status: "plain words" });
    assert.equal(plain.content, "<p>plain words</p>");
  });

  it("favourites, reblogs and bookmarks", async () => {
    const post = await alice.v1.statuses.create({ status: "interact with me" });
    const faved = await bob.v1.statuses.$select(post.id).favourite();
    assert.equal(faved.favourited, true);
    assert.equal(faved.favouritesCount, 1);
    const reblog = await bob.v1.statuses.$select(post.id).reblog();
    assert.equal(reblog.reblog?.id, post.id);
    const marked = await bob.v1.statuses.$select(post.id).bookmark();
    assert.equal(marked.bookmarked, true);
    const bookmarks = await bob.v1.bookmarks.list();
    assert.ok(bookmarks.some((s) => s.id === post.id));
    const favourites = await bob.v1.favourites.list();
    assert.ok(favourites.some((s) => s.id === post.id));
    const favouritedBy = await alice.v1.statuses.$select(post.id).favouritedBy.list();
    assert.deepEqual(
      favouritedBy.map((a) => a.id),
      [bobId],
    );
    const rebloggedBy = await alice.v1.statuses.$select(post.id).rebloggedBy.list();
    assert.deepEqual(
      rebloggedBy.map((a) => a.id),
      [bobId],
    );
  });

  it("follows, including a locked account's follow request", async () => {
    const relationship = await bob.v1.accounts.$select(aliceId).follow();
    assert.equal(relationship.following, true);
    await alice.v1.accounts.updateCredentials({ locked: true });
    const pending = await alice.v1.accounts.$select(bobId).follow();
    assert.equal(pending.following, true, "bob is not locked");
    await bob.v1.accounts.updateCredentials({ locked: true });
    await bob.v1.accounts.$select(aliceId).unfollow();
    const requested = await bob.v1.accounts.$select(aliceId).follow();
    assert.equal(requested.requested, true, "alice is locked, so bob's follow is a request");
    const requests = await alice.v1.followRequests.list();
    assert.deepEqual(
      requests.map((a) => a.id),
      [bobId],
    );
    const authorized = await alice.v1.followRequests.$select(bobId).authorize();
    assert.equal(authorized.followedBy, true);
    const [rel] = await bob.v1.accounts.relationships.fetch({ id: [aliceId] });
    assert.equal(rel?.following, true);
    await alice.v1.accounts.updateCredentials({ locked: false });
    await bob.v1.accounts.updateCredentials({ locked: false });
  });

  it("reads the home, public and tag timelines and pages through them in both directions", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await alice.v1.statuses.create({ status: `page ${i} #paging` })).id);
    const newestFirst = [...ids].reverse();

    // Older pages by following the Link header's rel="next".
    const home = bob.v1.timelines.home.list({ limit: 3 }).values();
    const first = await home.next();
    assert.deepEqual(
      first.value?.map((s: { id: string }) => s.id),
      newestFirst.slice(0, 3),
    );
    const second = await home.next();
    assert.deepEqual(
      second.value?.map((s: { id: string }) => s.id),
      newestFirst.slice(3, 6),
    );

    // Newer pages by following rel="prev", starting just above the oldest status.
    const back = bob.v1.timelines.home
      .list({ limit: 3, minId: newestFirst[6] })
      .setDirection("prev")
      .values();
    const up1 = await back.next();
    assert.deepEqual(
      up1.value?.map((s: { id: string }) => s.id),
      newestFirst.slice(3, 6),
    );
    const up2 = await back.next();
    assert.deepEqual(
      up2.value?.map((s: { id: string }) => s.id),
      newestFirst.slice(0, 3),
    );

    const local = await createRestAPIClient({ url: server().url }).v1.timelines.public.list({
      local: true,
      limit: 40,
    });
    for (const id of ids) assert.ok(local.some((s) => s.id === id));

    const tag = bob.v1.timelines.tag.$select("paging").list({ limit: 4 }).values();
    const tagFirst = await tag.next();
    assert.deepEqual(
      tagFirst.value?.map((s: { id: string }) => s.id),
      newestFirst.slice(0, 4),
    );
    const tagSecond = await tag.next();
    assert.deepEqual(
      tagSecond.value?.map((s: { id: string }) => s.id),
      newestFirst.slice(4, 7),
    );
  });

  it("reads notifications v1 and grouped v2", async () => {
    const post = await alice.v1.statuses.create({ status: "notify me" });
    await bob.v1.statuses.$select(post.id).favourite();
    await bob.v1.statuses.create({ status: "@alice ping" });
    const v1 = await alice.v1.notifications.list({ limit: 40 });
    const types = new Set<string>(v1.map((n) => n.type));
    for (const type of ["favourite", "mention", "follow"])
      assert.ok(types.has(type), `${type} in ${[...types]}`);
    const favourite = v1.find((n) => n.type === "favourite" && n.status?.id === post.id);
    assert.equal(favourite?.account.id, bobId);
    const mentionsOnly = await alice.v1.notifications.list({ types: ["mention"] });
    assert.ok(mentionsOnly.length > 0 && mentionsOnly.every((n) => n.type === "mention"));
    const grouped = await alice.v2.notifications.list({ limit: 40 });
    assert.ok(grouped.notificationGroups.length > 0);
    assert.ok(grouped.accounts.some((a) => a.id === bobId));
    const one = await alice.v1.notifications.$select(v1[0]!.id).fetch();
    assert.equal(one.id, v1[0]!.id);
    await alice.v1.notifications.$select(v1[0]!.id).dismiss();
    const after = await alice.v1.notifications.list({ limit: 40 });
    assert.ok(!after.some((n) => n.id === v1[0]!.id));
  });

  it("deletes a status and gets its source back for redrafting", async () => {
    const post = await alice.v1.statuses.create({ status: "regret this" });
    const deleted = await alice.v1.statuses.$select(post.id).remove();
    assert.equal(deleted.text, "regret this");
    await assert.rejects(
      alice.v1.statuses.$select(post.id).fetch(),
      (error: any) => error.statusCode === 404,
    );
  });
});
