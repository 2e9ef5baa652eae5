// Outbound boosts, favourites and profile changes over real HTTP on both databases: each goes
// to exactly the inboxes Mastodon sends it to — an Announce to the booster's followers and the
// original's author, a Like only to the author's own inbox, an Update{Person} to followers —
// and undoing sends an Undo that names the original activity.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { deliveriesOf, deliveriesWhere, list, PUBLIC } from "../helpers/recording-inbox.ts";
import { eachServer } from "../helpers/server.ts";
import { api } from "../helpers/users.ts";
import { inboxesOf, insertRemoteStatus, setUpWorld, type World } from "./outbox-world.ts";

eachServer("outbound boosts, favourites and profile updates", (server) => {
  let w: World;
  let daveStatusId: string;
  let daveStatusUri: string;
  before(async () => {
    w = await setUpWorld(server());
    daveStatusUri = `${w.r2.user("dave").uri}/statuses/7`;
    daveStatusId = await insertRemoteStatus(w.ctx, w.r2.user("dave").accountId, daveStatusUri);
  });
  after(() => w.close());

  const act = async (path: string) => {
    const r = await api(w.base, "POST", path, { token: w.alice.token });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json;
  };

  it("announces a boost to the booster's followers and the original's author", async () => {
    const dave = w.r2.user("dave");
    const reblog = await act(`/api/v1/statuses/${daveStatusId}/reblog`);
    assert.equal(reblog.uri, `${w.aliceUri}/statuses/${reblog.id}/activity`);
    const got = await deliveriesOf(w.all, reblog.uri, 3);
    assert.deepEqual(inboxesOf(got), [...w.followerInboxes, `${w.r2.origin}/inbox`].sort());
    const { activity } = got[0]!;
    assert.equal(activity.type, "Announce");
    assert.equal(activity.object, daveStatusUri);
    assert.deepEqual(list(activity.to), [PUBLIC]);
    assert.deepEqual(list(activity.cc), [dave.uri, w.aliceFollowers]);

    await act(`/api/v1/statuses/${daveStatusId}/unreblog`);
    const undone = await deliveriesOf(w.all, `${w.aliceUri}#announces/${reblog.id}/undo`, 3);
    assert.deepEqual(inboxesOf(undone), inboxesOf(got));
    assert.equal(undone[0]!.activity.type, "Undo");
    assert.equal(undone[0]!.activity.object.type, "Announce");
    assert.equal(undone[0]!.activity.object.id, reblog.uri);
  });

  it("announces a boost of a local post to the booster's remote followers only", async () => {
    const r = await api(w.base, "POST", "/api/v1/statuses", {
      token: w.lee.token,
      body: { status: "Boost me" },
    });
    const reblog = await act(`/api/v1/statuses/${r.json.id}/reblog`);
    const got = await deliveriesOf(w.all, reblog.uri, 2);
    assert.deepEqual(inboxesOf(got), w.followerInboxes);
    assert.equal(got[0]!.activity.object, r.json.uri);
  });

  it("sends a Like only to the author's own inbox, and Undo{Like} after", async () => {
    const dave = w.r2.user("dave");
    await act(`/api/v1/statuses/${daveStatusId}/favourite`);
    const likes = await deliveriesWhere(w.all, (d) => d.activity.type === "Like", 1);
    assert.deepEqual(inboxesOf(likes), [dave.inbox]);
    const like = likes[0]!.activity;
    assert.equal(like.object, daveStatusUri);
    assert.equal(like.actor, w.aliceUri);
    assert.match(like.id, new RegExp(`^${w.aliceUri}#likes/\\d+$`));

    await act(`/api/v1/statuses/${daveStatusId}/unfavourite`);
    const undone = await deliveriesOf(w.all, `${like.id}/undo`, 1);
    assert.deepEqual(inboxesOf(undone), [dave.inbox]);
    assert.equal(undone[0]!.activity.object.id, like.id);
    assert.equal(undone[0]!.activity.object.type, "Like");
  });

  it("sends nothing when favouriting a local post", async () => {
    const r = await api(w.base, "POST", "/api/v1/statuses", {
      token: w.lee.token,
      body: { status: "Like me", visibility: "public" },
    });
    await act(`/api/v1/statuses/${r.json.id}/favourite`);
    const likes = await deliveriesWhere(w.all, (d) => d.activity.object === r.json.uri, 0);
    assert.deepEqual(likes, []);
  });

  it("sends Update{Person} with the new profile to followers' servers", async () => {
    const r = await api(w.base, "PATCH", "/api/v1/accounts/update_credentials", {
      token: w.alice.token,
      body: { display_name: "Alice Updated", note: "New bio" },
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const got = await deliveriesWhere(
      w.all,
      (d) => d.activity.type === "Update" && d.activity.object?.id === w.aliceUri,
      2,
    );
    assert.deepEqual(inboxesOf(got), w.followerInboxes);
    const { activity } = got[0]!;
    assert.equal(activity.object.type, "Person");
    assert.equal(activity.object.name, "Alice Updated");
    assert.match(activity.object.summary, /New bio/);
    assert.deepEqual(list(activity.to), [PUBLIC]);
  });

  it("signed every delivery with alice's key", () => {
    const all = w.all.flatMap((r) => r.deliveries);
    assert.equal(all.length, 12);
    for (const d of all) assert.equal(d.signatureProblem, null, d.inbox);
  });
});
