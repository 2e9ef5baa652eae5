// Outbound statuses over real HTTP on both databases: posts of each visibility, a reply, a
// pin, edits and deletes, made through the client API, reach exactly the inboxes they should
// (shared inboxes preferred), addressed as Mastodon addresses them, signed with draft-cavage
// by the worker. The fake remote servers check every signature against Kith's actor key.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { deliveriesOf, deliveriesWhere, list, PUBLIC } from "../helpers/recording-inbox.ts";
import { eachServer } from "../helpers/server.ts";
import { api } from "../helpers/users.ts";
import { inboxesOf, insertRemoteStatus, setUpWorld, type World } from "./outbox-world.ts";

eachServer("outbound statuses", (server) => {
  let w: World;
  before(async () => {
    w = await setUpWorld(server());
  });
  after(() => w.close());

  const post = async (body: Record<string, unknown>) => {
    const r = await api(w.base, "POST", "/api/v1/statuses", { token: w.alice.token, body });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json as { id: string; uri: string; url: string };
  };
  const created = (status: { uri: string }, count: number) =>
    deliveriesOf(w.all, `${status.uri}/activity`, count);

  it("delivers a public post once per server, to Public with followers in cc", async () => {
    const status = await post({
      status: "Hello #Kith",
      spoiler_text: "greeting",
      language: "en",
      visibility: "public",
    });
    const got = await created(status, 2);
    assert.deepEqual(inboxesOf(got), w.followerInboxes);
    const { activity } = got[0]!;
    assert.equal(activity.type, "Create");
    assert.equal(activity.actor, w.aliceUri);
    assert.deepEqual(list(activity.to), [PUBLIC]);
    assert.deepEqual(list(activity.cc), [w.aliceFollowers]);
    const note = activity.object;
    assert.equal(note.type, "Note");
    assert.equal(note.id, status.uri);
    assert.equal(note.attributedTo, w.aliceUri);
    assert.equal(note.url, status.url);
    assert.deepEqual(list(note.to), [PUBLIC]);
    assert.deepEqual(list(note.cc), [w.aliceFollowers]);
    assert.match(note.content, /Hello/);
    assert.equal(note.contentMap.en, note.content);
    assert.equal(note.summary, "greeting");
    assert.equal(note.sensitive, true);
    assert.ok(Date.parse(note.published) > 0);
    assert.deepEqual(list(note.tag), [
      { type: "Hashtag", href: `${w.base}/tags/Kith`, name: "#Kith" },
    ]);
  });

  it("addresses an unlisted post to followers with Public in cc", async () => {
    const status = await post({ status: "Quietly", visibility: "unlisted" });
    const got = await created(status, 2);
    assert.deepEqual(inboxesOf(got), w.followerInboxes);
    assert.deepEqual(list(got[0]!.activity.to), [w.aliceFollowers]);
    assert.deepEqual(list(got[0]!.activity.cc), [PUBLIC]);
    assert.equal(got[0]!.activity.object.sensitive, false);
  });

  it("sends a followers-only post only to followers' servers, with no Public anywhere", async () => {
    const status = await post({ status: "Friends only", visibility: "private" });
    const got = await created(status, 2);
    assert.deepEqual(inboxesOf(got), w.followerInboxes);
    assert.deepEqual(list(got[0]!.activity.to), [w.aliceFollowers]);
    assert.deepEqual(list(got[0]!.activity.cc), []);
    assert.ok(!got[0]!.body.includes("#Public"), got[0]!.body);
  });

  it("adds the mentioned to a followers-only post's cc and delivery", async () => {
    const dave = w.r2.user("dave");
    const status = await post({ status: "Psst @dave@r2.test", visibility: "private" });
    const got = await created(status, 3);
    assert.deepEqual(inboxesOf(got), [...w.followerInboxes, `${w.r2.origin}/inbox`].sort());
    assert.deepEqual(list(got[0]!.activity.cc), [dave.uri]);
    assert.deepEqual(list(got[0]!.activity.object.tag), [
      { type: "Mention", href: dave.uri, name: "@dave@r2.test" },
    ]);
  });

  let direct: { uri: string };
  it("sends a direct post only to the mentioned person's server", async () => {
    const dave = w.r2.user("dave");
    direct = await post({ status: "@dave@r2.test just you", visibility: "direct" });
    const got = await created(direct, 1);
    assert.deepEqual(inboxesOf(got), [`${w.r2.origin}/inbox`]);
    assert.deepEqual(list(got[0]!.activity.to), [dave.uri]);
    assert.deepEqual(list(got[0]!.activity.cc), []);
    assert.deepEqual(list(got[0]!.activity.object.to), [dave.uri]);
    assert.ok(!got[0]!.body.includes("#Public") && !got[0]!.body.includes("/followers"));
  });

  it("delivers a reply to the replied-to account as well, with inReplyTo", async () => {
    const dave = w.r2.user("dave");
    const parentUri = `${dave.uri}/statuses/1`;
    const parentId = await insertRemoteStatus(w.ctx, dave.accountId, parentUri);
    const reply = await post({ status: "Nice one", in_reply_to_id: parentId });
    const got = await created(reply, 3);
    assert.deepEqual(inboxesOf(got), [...w.followerInboxes, `${w.r2.origin}/inbox`].sort());
    assert.equal(got[0]!.activity.object.inReplyTo, parentUri);
  });

  it("sends nothing for a post by someone without remote followers", async () => {
    const r = await api(w.base, "POST", "/api/v1/statuses", {
      token: w.lee.token,
      body: { status: "Only locals hear this" },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(await created(r.json, 0), []);
  });

  let pinned: { id: string; uri: string };
  it("announces a pin and an unpin to followers as Add and Remove on featured", async () => {
    pinned = await post({ status: "Pin me" });
    await created(pinned, 2);
    const pin = await api(w.base, "POST", `/api/v1/statuses/${pinned.id}/pin`, {
      token: w.alice.token,
    });
    assert.equal(pin.status, 200);
    const unpin = await api(w.base, "POST", `/api/v1/statuses/${pinned.id}/unpin`, {
      token: w.alice.token,
    });
    assert.equal(unpin.status, 200);
    for (const type of ["Add", "Remove"]) {
      const got = await deliveriesWhere(
        w.all,
        (d) => d.activity.type === type && d.activity.object === pinned.uri,
        2,
      );
      assert.deepEqual(inboxesOf(got), w.followerInboxes, type);
      assert.equal(got[0]!.activity.target, `${w.aliceUri}/collections/featured`);
    }
  });

  const edit = async (id: string, body: Record<string, unknown>) => {
    const r = await api(w.base, "PUT", `/api/v1/statuses/${id}`, { token: w.alice.token, body });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json as { edited_at: string; created_at: string; content: string };
  };
  const updatesOf = (status: { uri: string }, text: string, count: number) =>
    deliveriesWhere(
      w.all,
      (d) =>
        d.activity.type === "Update" &&
        d.activity.object?.id === status.uri &&
        String(d.activity.object.content).includes(text),
      count,
    );

  it("sends an Update with the edited Note, `updated` set, to the old and new audience", async () => {
    const dave = w.r2.user("dave");
    const edited = await edit(pinned.id, { status: "Pin me, edited @dave@r2.test #Kith" });
    const got = await updatesOf(pinned, "Pin me, edited", 3);
    assert.deepEqual(inboxesOf(got), [...w.followerInboxes, `${w.r2.origin}/inbox`].sort());
    const { activity } = got[0]!;
    const seconds = Math.floor(Date.parse(edited.edited_at) / 1000);
    assert.equal(activity.id, `${pinned.uri}#updates/${seconds}`);
    assert.equal(activity.actor, w.aliceUri);
    const note = activity.object;
    assert.equal(note.type, "Note");
    assert.equal(note.content, edited.content);
    assert.equal(Date.parse(note.updated), Date.parse(edited.edited_at));
    assert.equal(Date.parse(note.published), Date.parse(edited.created_at));
    assert.deepEqual(list(note.cc), [w.aliceFollowers, dave.uri]);
    assert.deepEqual(list(note.tag), [
      { type: "Mention", href: dave.uri, name: "@dave@r2.test" },
      { type: "Hashtag", href: `${w.base}/tags/Kith`, name: "#Kith" },
    ]);
  });

  it("still sends the Update of a direct post to a mention the edit dropped, unaddressed", async () => {
    const henry = w.r3.user("henry");
    const dave = w.r2.user("dave");
    const dm = await post({ status: "@henry@r3.test hush", visibility: "direct" });
    await created(dm, 1);
    await edit(dm.id, { status: "@dave@r2.test hush now" });
    const got = await updatesOf(dm, "hush now", 2);
    assert.deepEqual(inboxesOf(got), [`${w.r2.origin}/inbox`, henry.inbox].sort());
    assert.deepEqual(list(got[0]!.activity.object.to), [dave.uri]);
    assert.ok(!got[0]!.body.includes("#Public") && !got[0]!.body.includes("/followers"));
  });

  it("sends Delete{Tombstone} to whoever got the post, and only them", async () => {
    for (const [status, inboxes] of [
      // The edit above mentioned dave: his server has the post too.
      [pinned, [...w.followerInboxes, `${w.r2.origin}/inbox`].sort()],
      [direct, [`${w.r2.origin}/inbox`]],
    ] as const) {
      const id = status.uri.split("/").pop();
      const r = await api(w.base, "DELETE", `/api/v1/statuses/${id}`, { token: w.alice.token });
      assert.equal(r.status, 200);
      const got = await deliveriesOf(w.all, `${status.uri}#delete`, inboxes.length);
      assert.deepEqual(inboxesOf(got), inboxes);
      assert.equal(got[0]!.activity.type, "Delete");
      assert.deepEqual(got[0]!.activity.object, { type: "Tombstone", id: status.uri });
    }
  });

  it("signed every delivery with draft-cavage and alice's key; bodies are activities", () => {
    const all = w.all.flatMap((r) => r.deliveries);
    assert.ok(all.length >= 15, String(all.length));
    for (const d of all) {
      assert.equal(d.signatureProblem, null, `${d.inbox}: ${d.body.slice(0, 200)}`);
      assert.match(String(d.headers.signature), /algorithm="rsa-sha256"/);
      assert.equal(d.activity.actor, w.aliceUri);
    }
    // Nobody on r2 was a follower: it got only what mentioned or answered dave.
    for (const d of w.r2.deliveries) assert.ok(d.body.includes(w.r2.user("dave").uri), d.body);
  });
});
