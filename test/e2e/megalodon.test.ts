// A smaller pass with megalodon, the client library behind Whalebird and others: app
// registration, the authorization-code flow, posting, following, timelines and notifications.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import generator, { type MegalodonInterface } from "megalodon";
import { eachServer } from "../helpers/server.ts";
import { createUser } from "../helpers/users.ts";
import { authorizeWithPkce, REDIRECT } from "./client-session.ts";

eachServer("megalodon end to end", (server) => {
  let carol: MegalodonInterface;
  let dave: MegalodonInterface;
  let daveId: string;

  before(async () => {
    const url = server().url;
    const ctx = server().kith.ctx;
    await createUser(ctx, { username: "carol" });
    await createUser(ctx, { username: "dave" });
    const client = generator("mastodon", url);
    const app = await client.createApp("megalodon e2e", {
      scopes: ["read", "write", "follow"],
      redirect_uris: REDIRECT,
    });
    assert.ok(app.client_id && app.client_secret);
    const registered = { client_id: app.client_id, client_secret: app.client_secret };
    carol = generator(
      "mastodon",
      url,
      await authorizeWithPkce(url, registered, "carol@example.test", "read write follow"),
    );
    dave = generator(
      "mastodon",
      url,
      await authorizeWithPkce(url, registered, "dave@example.test", "read write follow"),
    );
    daveId = (await dave.verifyAccountCredentials()).data.id;
  });

  it("reads the instance", async () => {
    const instance = await generator("mastodon", server().url).getInstance();
    assert.equal(instance.status, 200);
    assert.match(instance.data.version, /^4\.5\.0/);
  });

  it("follows, posts and sees the post in the home timeline", async () => {
    const follow = await carol.followAccount(daveId);
    assert.equal(follow.data.following, true);
    const posted = await dave.postStatus("from megalodon #e2e");
    assert.equal(posted.status, 200);
    const status = posted.data as { id: string; content: string };
    assert.match(status.content, /from megalodon/);
    const home = await carol.getHomeTimeline({ limit: 5 });
    assert.ok(home.data.some((s) => s.id === status.id));
    const faved = await carol.favouriteStatus(status.id);
    assert.equal(faved.data.favourited, true);
  });

  it("reads notifications", async () => {
    const notifications = await dave.getNotifications({ limit: 10 });
    const types = notifications.data.map((n) => n.type);
    assert.ok(types.includes("follow"), `follow in ${types}`);
    assert.ok(types.includes("favourite"), `favourite in ${types}`);
  });
});
