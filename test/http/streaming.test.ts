// The streaming API (WebSocket and server-sent events) on both databases, through a running
// Kith: masto.js's streaming client hears a follower's update, notification, status.update and
// delete; each SSE endpoint; the three ways to give a token and the 401s; blocked and muted
// authors, followers-only and direct posts never reach those who may not see them; hashtag,
// list and direct streams; a post from another server reaching a local follower live.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { createRestAPIClient, createStreamingAPIClient, type mastodon } from "masto";
import WebSocketClient from "ws";
import { findToken, revokeToken } from "../../src/domain/oauth/tokens.ts";
import { streamingHub } from "../../src/http/streaming/hub.ts";
import { AS_CONTEXT, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { eachServer } from "../helpers/server.ts";
import {
  type EventLog,
  openSse,
  openWebSocket,
  type StreamEvent,
  statusIdOf,
} from "../helpers/streaming.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

eachServer("streaming API", (server) => {
  let alice: TestUser; // posts
  let bob: TestUser; // follows alice, carol and dave; blocks carol, mutes dave
  let carol: TestUser;
  let dave: TestUser;
  let eve: TestUser; // follows nobody
  const closers: (() => void)[] = [];
  const base = () => server().url;
  const wsBase = () => base().replace(/^http/, "ws");
  const hub = () => streamingHub(server().kith.ctx);

  const post = async (user: TestUser, body: Record<string, unknown>) => {
    const r = await api(base(), "POST", "/api/v1/statuses", { token: user.token, body });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json as { id: string };
  };
  const follow = async (user: TestUser, target: TestUser) => {
    const r = await api(base(), "POST", `/api/v1/accounts/${target.accountId}/follow`, {
      token: user.token,
    });
    assert.equal(r.status, 200);
  };
  const waitSubscribed = async (
    user: TestUser,
    name: Parameters<ReturnType<typeof hub>["isSubscribed"]>[1],
  ) => {
    const deadline = Date.now() + 10_000;
    while (!hub().isSubscribed(user.accountId, name)) {
      if (Date.now() > deadline) throw new Error(`${name} never subscribed`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const ws = async (user: TestUser, streams: Record<string, string>[]) => {
    const client = await openWebSocket(`${wsBase()}/api/v1/streaming`, { protocols: [user.token] });
    closers.push(client.close);
    for (const s of streams) client.send({ type: "subscribe", ...s });
    for (const s of streams) await waitSubscribed(user, s.stream as "user");
    return client;
  };
  const sse = async (user: TestUser, path: string) => {
    const client = await openSse(`${base()}/api/v1/streaming/${path}`, user.token);
    assert.equal(client.status, 200, client.body);
    closers.push(client.close);
    return client;
  };
  const has = (log: EventLog, id: string, event = "update") =>
    log.events.some((e) => e.event === event && statusIdOf(e) === id);
  const arrives = (log: EventLog, id: string, event = "update") =>
    log.waitFor((e) => e.event === event && statusIdOf(e) === id, `${event} of ${id}`);

  before(async () => {
    const { ctx } = server().kith;
    alice = await createUser(ctx);
    bob = await createUser(ctx);
    carol = await createUser(ctx);
    dave = await createUser(ctx);
    eve = await createUser(ctx);
    for (const target of [alice, carol, dave]) await follow(bob, target);
    await api(base(), "POST", `/api/v1/accounts/${carol.accountId}/block`, { token: bob.token });
    await api(base(), "POST", `/api/v1/accounts/${dave.accountId}/mute`, { token: bob.token });
  });
  after(() => {
    for (const close of closers) close();
  });

  it("masto.js's client hears update, notification, status.update and delete on the user stream", async () => {
    // Found as clients find it.
    const instance = await api(base(), "GET", "/api/v2/instance");
    assert.equal(instance.json.configuration.urls.streaming, wsBase());
    const v1 = await api(base(), "GET", "/api/v1/instance");
    assert.equal(v1.json.urls.streaming_api, wsBase());
    const masto = createStreamingAPIClient({
      streamingApiUrl: instance.json.configuration.urls.streaming,
      accessToken: bob.token,
      implementation: WebSocket,
      retry: 3,
    });
    closers.push(() => masto.close());
    const seen: mastodon.streaming.Event[] = [];
    const subscription = masto.user.subscribe();
    void (async () => {
      for await (const event of subscription) seen.push(event);
    })().catch(() => {});
    await waitSubscribed(bob, "user");
    const waitSeen = async (match: (e: mastodon.streaming.Event) => boolean, what: string) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = seen.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`masto.js never saw ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    const status = await post(alice, { status: "Hello followers" });
    const update = await waitSeen(
      (e) => e.event === "update" && e.payload.id === status.id,
      "update",
    );
    assert.deepEqual(update.stream, ["user"]);
    assert.equal(update.event === "update" && update.payload.account.id, alice.accountId);
    // Rendered for bob as the REST API renders it for him.
    const rest = createRestAPIClient({ url: base(), accessToken: bob.token });
    assert.deepEqual(update.payload, await rest.v1.statuses.$select(status.id).fetch());

    const mine = await post(bob, { status: "Bob's own" });
    await waitSeen((e) => e.event === "update" && e.payload.id === mine.id, "own status");
    await api(base(), "POST", `/api/v1/statuses/${mine.id}/favourite`, { token: alice.token });
    const notification = await waitSeen((e) => e.event === "notification", "notification");
    assert.equal(notification.event === "notification" && notification.payload.type, "favourite");
    assert.equal(notification.event === "notification" && notification.payload.status?.id, mine.id);

    const edited = await api(base(), "PUT", `/api/v1/statuses/${status.id}`, {
      token: alice.token,
      body: { status: "Hello followers, edited" },
    });
    assert.equal(edited.status, 200);
    const revised = await waitSeen((e) => e.event === "status.update", "status.update");
    assert.match(revised.event === "status.update" ? revised.payload.content : "", /edited/);

    await api(base(), "DELETE", `/api/v1/statuses/${status.id}`, { token: alice.token });
    const deleted = await waitSeen((e) => e.event === "delete", "delete");
    assert.equal(deleted.event === "delete" && deleted.payload, status.id);
    masto.close();
  });

  it("serves each SSE endpoint, the health check, and 401s as Mastodon", async () => {
    const health = await fetch(`${base()}/api/v1/streaming/health`);
    assert.equal(await health.text(), "OK");

    const missing = await openSse(`${base()}/api/v1/streaming/user`);
    assert.equal(missing.status, 401);
    assert.deepEqual(JSON.parse(missing.body), { error: "Missing access token" });
    const wrong = await openSse(`${base()}/api/v1/streaming/public?access_token=nope`);
    assert.equal(wrong.status, 401);
    assert.equal(typeof JSON.parse(wrong.body).error, "string");
    const unknownTag = await openSse(`${base()}/api/v1/streaming/hashtag`, bob.token);
    assert.equal(unknownTag.status, 400);

    const user = await sse(bob, "user");
    const local = await sse(bob, "public/local");
    const remote = await sse(bob, "public/remote");
    const federated = await sse(bob, "public");
    const tag = await sse(bob, "hashtag?tag=Cats");
    const tagLocal = await sse(bob, "hashtag/local?tag=cats");
    const media = await sse(bob, "public?only_media=true");
    const notifications = await sse(bob, "user/notification");
    const status = await post(alice, { status: "A #cats post" });
    for (const log of [user.log, local.log, federated.log, tag.log, tagLocal.log])
      await arrives(log, status.id);
    const payload = JSON.parse(user.log.events.find((e) => e.event === "update")!.payload!);
    assert.equal(payload.id, status.id);
    await post(alice, { status: `@${bob.username} hi` });
    const note = await notifications.log.waitFor((e) => e.event === "notification", "notification");
    assert.equal(JSON.parse(note.payload!).type, "mention");
    // Local posts are not remote; nothing with media exists yet.
    assert.equal(has(remote.log, status.id), false);
    assert.equal(has(media.log, status.id), false);
    assert.equal(
      notifications.log.events.some((e) => e.event === "update"),
      false,
    );
    // The heartbeat is a comment.
    await hub().beat();
    await user.log.waitUntil(() => user.log.comments.includes("thump"), "a heartbeat");
    // A client that goes away is forgotten, over SSE and WebSocket alike.
    const connected = hub().clientCount;
    user.close();
    await user.log.waitUntil(() => hub().clientCount === connected - 1, "the SSE client leaving");
    const socket = await openWebSocket(`${wsBase()}/api/v1/streaming?stream=user`, {
      protocols: [bob.token],
    });
    await user.log.waitUntil(() => hub().clientCount === connected, "the WebSocket client");
    socket.close();
    await user.log.waitUntil(() => hub().clientCount === connected - 1, "the WebSocket leaving");
  });

  it("takes the token from the Authorization header, access_token or the subprotocol", async () => {
    const viaHeader = await new Promise<WebSocketClient>((resolve, reject) => {
      const socket = new WebSocketClient(`${wsBase()}/api/v1/streaming?stream=public:local`, {
        headers: { Authorization: `Bearer ${eve.token}` },
      });
      socket.once("open", () => resolve(socket));
      socket.once("error", reject);
    });
    closers.push(() => viaHeader.close());
    const headerLog: StreamEvent[] = [];
    viaHeader.on("message", (data) => headerLog.push(JSON.parse(String(data))));
    const viaQuery = await openWebSocket(
      `${wsBase()}/api/v1/streaming?access_token=${eve.token}&stream=user`,
    );
    closers.push(viaQuery.close);
    const viaProtocol = await openWebSocket(`${wsBase()}/api/v1/streaming`, {
      protocols: [eve.token],
    });
    closers.push(viaProtocol.close);
    // The subprotocol is echoed back, as browsers require.
    assert.equal(viaProtocol.socket.protocol, eve.token);
    viaProtocol.send({ type: "subscribe", stream: "hashtag", tag: "dogs" });
    await waitSubscribed(eve, "public:local");
    await waitSubscribed(eve, "user");
    await waitSubscribed(eve, "hashtag");
    const status = await post(eve, { status: "Eve's #dogs" });
    await arrives(viaQuery.log, status.id);
    const tagged = await arrives(viaProtocol.log, status.id);
    assert.deepEqual(tagged.stream, ["hashtag", "dogs"]);
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error("no update via header")), 10_000);
      const check = () => {
        if (headerLog.some((e) => statusIdOf(e) === status.id)) {
          clearTimeout(deadline);
          resolve();
        } else setTimeout(check, 20);
      };
      check();
    });
    // Unsubscribing stops the tag; the user stream still hears the next post.
    viaProtocol.send({ type: "unsubscribe", stream: "hashtag", tag: "dogs" });
    viaProtocol.send({ type: "subscribe", stream: "user" });
    await waitSubscribed(eve, "user");
    await viaProtocol.log.waitUntil(
      () => !hub().isSubscribed(eve.accountId, "hashtag"),
      "the unsubscription",
    );
    const later = await post(eve, { status: "Eve's #dogs again" });
    await viaProtocol.log.waitFor(
      (e) => statusIdOf(e) === later.id && e.stream?.[0] === "user",
      "the later post on user",
    );
    assert.equal(
      viaProtocol.log.events.some((e) => statusIdOf(e) === later.id && e.stream?.[0] === "hashtag"),
      false,
    );
    // An unknown stream is refused in-band, as Mastodon does.
    viaProtocol.send({ type: "subscribe", stream: "nonsense" });
    await viaProtocol.log.waitUntil(() => viaProtocol.log.errors.length > 0, "an error");
    assert.deepEqual(viaProtocol.log.errors[0], { error: "Unknown stream type", status: 400 });
  });

  it("refuses a WebSocket without a valid token with 401", async () => {
    for (const url of [
      `${wsBase()}/api/v1/streaming`,
      `${wsBase()}/api/v1/streaming?access_token=wrong`,
    ]) {
      const status = await new Promise<number>((resolve, reject) => {
        const socket = new WebSocketClient(url);
        socket.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        socket.once("open", () => reject(new Error("opened without a token")));
        socket.once("error", () => {});
      });
      assert.equal(status, 401);
    }
    // A token without a read scope cannot subscribe.
    const writer = await createUser(server().kith.ctx, { scopes: ["write"] });
    const refused = await openSse(`${base()}/api/v1/streaming/public`, writer.token);
    assert.equal(refused.status, 401);
  });

  it("ends the streams of a revoked token at the next heartbeat", async () => {
    const { ctx } = server().kith;
    const henry = await createUser(ctx);
    const socket = await openWebSocket(`${wsBase()}/api/v1/streaming?stream=user`, {
      protocols: [henry.token],
    });
    closers.push(socket.close);
    await waitSubscribed(henry, "user");
    const closed = new Promise<void>((resolve) =>
      socket.socket.addEventListener("close", () => resolve()),
    );
    await hub().beat();
    assert.equal(hub().isSubscribed(henry.accountId, "user"), true, "a valid token stays");
    const grant = await findToken(ctx, henry.token);
    await revokeToken(ctx, grant!.tokenId);
    await hub().beat();
    await closed;
    assert.equal(hub().isSubscribed(henry.accountId, "user"), false);
  });

  it("never streams a blocked or muted author's posts, on the user or public stream", async () => {
    const client = await ws(bob, [{ stream: "user" }, { stream: "public:local" }]);
    const blocked = await post(carol, { status: "from carol" });
    const muted = await post(dave, { status: "from dave" });
    const control = await post(alice, { status: "from alice" });
    // Messages are handled in order: once alice's arrives on both streams, the others had
    // their chance.
    await client.log.waitFor(
      (e) => statusIdOf(e) === control.id && e.stream?.[0] === "user",
      "alice on user",
    );
    await client.log.waitFor(
      (e) => statusIdOf(e) === control.id && e.stream?.[0] === "public:local",
      "alice on public:local",
    );
    for (const id of [blocked.id, muted.id]) assert.equal(has(client.log, id), false);
    // Nor their mentions as notifications (dave's mute hides notifications too).
    await post(carol, { status: `@${bob.username} from carol` });
    await post(dave, { status: `@${bob.username} from dave` });
    const mention = await post(alice, { status: `@${bob.username} from alice` });
    const note = await client.log.waitFor(
      (e) => e.event === "notification" && JSON.parse(e.payload!).status?.id === mention.id,
      "alice's mention",
    );
    assert.deepEqual(note.stream, ["user"]);
    const senders = client.log.events
      .filter((e) => e.event === "notification")
      .map((e) => JSON.parse(e.payload!).account.id);
    assert.equal(senders.includes(carol.accountId), false);
    assert.equal(senders.includes(dave.accountId), false);
  });

  it("applies keyword filters as the home timeline does, and says when they change", async () => {
    const fiona = await createUser(server().kith.ctx);
    await follow(fiona, alice);
    const user = await sse(fiona, "user");
    const publicOnly = await sse(fiona, "public");
    const filter = (title: string, action: string, keyword: string) =>
      api(base(), "POST", "/api/v2/filters", {
        token: fiona.token,
        body: {
          title,
          context: ["home"],
          filter_action: action,
          keywords_attributes: [{ keyword }],
        },
      });
    assert.equal((await filter("no kale", "hide", "kale")).status, 200);
    await user.log.waitFor((e) => e.event === "filters_changed", "filters_changed");
    assert.equal((await filter("careful", "warn", "turnip")).status, 200);

    const hidden = await post(alice, { status: "kale smoothies" });
    const warned = await post(alice, { status: "turnip season" });
    const plain = await post(alice, { status: "just soup" });
    await arrives(user.log, plain.id);
    assert.equal(has(user.log, hidden.id), false, "a hide filter keeps it off the user stream");
    const warning = user.log.events.find(
      (e) => e.event === "update" && statusIdOf(e) === warned.id,
    );
    assert.ok(warning, "a warn filter lets it through");
    const filtered = JSON.parse(warning.payload!).filtered as { keyword_matches: string[] }[];
    assert.deepEqual(
      filtered.map((f) => f.keyword_matches),
      [["turnip"]],
    );
    // The filters apply in the home context only: public streams show the post, and only the
    // user stream is told of filter changes.
    await arrives(publicOnly.log, hidden.id);
    assert.equal(
      publicOnly.log.events.some((e) => e.event === "filters_changed"),
      false,
    );
  });

  it("streams only posts with media on the :media streams", async () => {
    const client = await ws(bob, [{ stream: "public:media" }, { stream: "public:local:media" }]);
    const text = await post(alice, { status: "words only" });
    const { default: sharp } = await import("sharp");
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "red" } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(png)], { type: "image/png" }), "red.png");
    const upload = await fetch(`${base()}/api/v1/media`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.token}` },
      body: form,
    });
    assert.equal(upload.status, 200);
    const media = (await upload.json()) as { id: string };
    const picture = await post(alice, { status: "a picture", media_ids: [media.id] });
    for (const stream of ["public:media", "public:local:media"])
      await client.log.waitFor(
        (e) => statusIdOf(e) === picture.id && e.stream?.[0] === stream,
        `the picture on ${stream}`,
      );
    assert.equal(has(client.log, text.id), false, "a post without media stays off");
  });

  it("keeps followers-only posts to followers, off public streams", async () => {
    const bobs = await ws(bob, [{ stream: "user" }, { stream: "public" }]);
    const eves = await ws(eve, [{ stream: "user" }, { stream: "public" }]);
    const privatePost = await post(alice, { status: "followers only", visibility: "private" });
    const control = await post(alice, { status: "public again" });
    await bobs.log.waitFor(
      (e) => statusIdOf(e) === privatePost.id && e.stream?.[0] === "user",
      "the private post at its follower",
    );
    await bobs.log.waitFor(
      (e) => statusIdOf(e) === control.id && e.stream?.[0] === "public",
      "control",
    );
    await eves.log.waitFor(
      (e) => statusIdOf(e) === control.id && e.stream?.[0] === "public",
      "control",
    );
    assert.equal(
      bobs.log.events.some((e) => statusIdOf(e) === privatePost.id && e.stream?.[0] === "public"),
      false,
    );
    assert.equal(has(eves.log, privatePost.id), false);
  });

  it("leaves a silenced account off public streams, except for its followers", async () => {
    const { ctx } = server().kith;
    const gus = await createUser(ctx);
    await follow(bob, gus);
    await ctx.db.kysely
      .updateTable("accounts")
      .set({ silenced_at: new Date().toISOString() })
      .where("id", "=", gus.accountId)
      .execute();
    const bobs = await sse(bob, "public/local");
    const eves = await sse(eve, "public/local");
    const silenced = await post(gus, { status: "quietly" });
    const control = await post(alice, { status: "loudly" });
    await arrives(bobs.log, silenced.id);
    await arrives(eves.log, control.id);
    assert.equal(has(eves.log, silenced.id), false);
  });

  it("streams a reblog to the reblogger's followers, and its undoing as a delete", async () => {
    const frank = await createUser(server().kith.ctx);
    await follow(frank, bob);
    const user = await sse(frank, "user");
    const original = await post(alice, { status: "worth boosting" });
    const boosted = await api(base(), "POST", `/api/v1/statuses/${original.id}/reblog`, {
      token: bob.token,
    });
    assert.equal(boosted.status, 200);
    const update = await arrives(user.log, boosted.json.id);
    assert.equal(JSON.parse(update.payload!).reblog.id, original.id);
    await api(base(), "POST", `/api/v1/statuses/${original.id}/unreblog`, { token: bob.token });
    await arrives(user.log, boosted.json.id, "delete");
  });

  it("streams a list to its owner, and a direct conversation to those addressed only", async () => {
    const list = await api(base(), "POST", "/api/v1/lists", {
      token: bob.token,
      body: { title: "friends" },
    });
    assert.equal(list.status, 200);
    await api(base(), "POST", `/api/v1/lists/${list.json.id}/accounts`, {
      token: bob.token,
      body: { account_ids: [alice.accountId] },
    });
    const lists = await sse(bob, `list?list=${list.json.id}`);
    const direct = await sse(bob, "direct");
    const evesDirect = await sse(eve, "direct");
    // Someone else's list is not to be streamed.
    const stolen = await openSse(`${base()}/api/v1/streaming/list?list=${list.json.id}`, eve.token);
    assert.equal(stolen.status, 401);
    const inList = await post(alice, { status: "for the list" });
    await arrives(lists.log, inList.id);
    const dm = await post(alice, { status: `@${bob.username} just us`, visibility: "direct" });
    const conversation = await direct.log.waitFor(
      (e) => e.event === "conversation",
      "conversation",
    );
    const payload = JSON.parse(conversation.payload!);
    assert.equal(payload.last_status.id, dm.id);
    assert.deepEqual(
      payload.accounts.map((a: { id: string }) => a.id),
      [alice.accountId],
    );
    // Eve's own direct message proves her stream works; alice's never reached her.
    const own = await post(eve, {
      status: `@${alice.username} eve to alice`,
      visibility: "direct",
    });
    await evesDirect.log.waitFor(
      (e) => e.event === "conversation" && JSON.parse(e.payload!).last_status.id === own.id,
      "eve's own conversation",
    );
    assert.equal(
      evesDirect.log.events.some((e) => JSON.parse(e.payload!).last_status?.id === dm.id),
      false,
    );
    assert.equal(has(lists.log, dm.id), false);
  });

  it("delivers a post from another server to a local follower live", async () => {
    const fake = await FakeFediverse.start();
    try {
      const remote = await fake.actor(`${fake.origin}/users/zoe`);
      await fake.followedBy(server().kith.ctx, remote, bob.accountId);
      const user = await sse(bob, "user");
      const federated = await sse(bob, "public/remote");
      const id = `${remote.id}/statuses/1`;
      const response = await fake.post(remote, `${base()}/inbox`, {
        "@context": AS_CONTEXT,
        id: `${id}/activity`,
        type: "Create",
        actor: remote.id,
        object: {
          id,
          type: "Note",
          attributedTo: remote.id,
          content: "<p>from afar</p>",
          to: [PUBLIC],
        },
      });
      assert.equal(response.status, 202);
      const update = await user.log.waitFor(
        (e) => e.event === "update" && JSON.parse(e.payload!).uri === id,
        "the remote post",
      );
      assert.equal(
        JSON.parse(update.payload!).account.acct.endsWith(new URL(fake.origin).host),
        true,
      );
      await federated.log.waitFor(
        (e) => e.event === "update" && JSON.parse(e.payload!).uri === id,
        "the remote post on public:remote",
      );
    } finally {
      await fake.stop();
    }
  });
});
