// Outbound follows and blocks over real HTTP on both databases: a Follow to a remote account
// (its id kept in follow_requests.uri) and its Undo; Accept and Reject of a remote account's
// Follow, naming that Follow's own id, whether the local account approves it through the API,
// needs no approval, turns it down or removes the follower later; a block through the API (with
// the Undo{Follow} and Reject{Follow} of the follows it ends, as Mastodon) and its Undo; a user's
// domain block rejecting that server's follows; mutes sending nothing. Each goes to the other
// account's own inbox only.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { newId } from "../../src/db/ids.ts";
import { follow } from "../../src/domain/relationships/follow.ts";
import { followAccepted } from "../../src/domain/relationships/remote.ts";
import { deliveriesOf, deliveriesWhere } from "../helpers/recording-inbox.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { inboxesOf, setUpWorld, type World } from "./outbox-world.ts";

eachServer("outbound follows and blocks", (server) => {
  let w: World;
  let lena: TestUser;
  let lenaUri: string;
  before(async () => {
    w = await setUpWorld(server());
    lena = await createUser(w.ctx, { username: "lena" });
    await w.ctx.db.kysely
      .updateTable("accounts")
      .set({ locked: 1 })
      .where("id", "=", lena.accountId)
      .execute();
    lenaUri = `${w.base}/users/lena`;
  });
  after(() => w.close());

  const call = async (user: TestUser, path: string) => {
    const r = await api(w.base, "POST", path, { token: user.token });
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.json)}`);
    return r.json;
  };
  const requestUri = async () => {
    const row = await w.ctx.db.kysely
      .selectFrom("follow_requests")
      .select("uri")
      .where("account_id", "=", w.alice.accountId)
      .where("target_account_id", "=", w.r2.user("erin").accountId)
      .executeTakeFirstOrThrow();
    return row.uri!;
  };

  it("sends a Follow to the remote account's own inbox, its id kept on the request", async () => {
    const erin = w.r2.user("erin");
    const relationship = await call(w.alice, `/api/v1/accounts/${erin.accountId}/follow`);
    assert.equal(relationship.requested, true);
    const uri = await requestUri();
    assert.match(uri, new RegExp(`^${w.aliceUri}/follows/\\d+$`));
    const got = await deliveriesOf(w.all, uri, 1);
    assert.deepEqual(inboxesOf(got), [erin.inbox]);
    assert.deepEqual(
      {
        type: got[0]!.activity.type,
        actor: got[0]!.activity.actor,
        object: got[0]!.activity.object,
      },
      { type: "Follow", actor: w.aliceUri, object: erin.uri },
    );

    await call(w.alice, `/api/v1/accounts/${erin.accountId}/unfollow`);
    const undone = await deliveriesOf(w.all, `${uri}/undo`, 1);
    assert.deepEqual(inboxesOf(undone), [erin.inbox]);
    assert.equal(undone[0]!.activity.type, "Undo");
    assert.equal(undone[0]!.activity.object.id, uri);
    assert.equal(undone[0]!.activity.object.type, "Follow");

    await call(w.alice, `/api/v1/accounts/${erin.accountId}/follow`);
    const again = await requestUri();
    assert.notEqual(again, uri, "a new Follow has a new id");
    assert.equal((await deliveriesOf(w.all, again, 1)).length, 1);
  });

  it("sends nothing when following a local account", async () => {
    await call(w.alice, `/api/v1/accounts/${w.lee.accountId}/follow`);
    const got = await deliveriesWhere(
      w.all,
      (d) => d.activity.type === "Follow" && d.activity.object === `${w.base}/users/lee`,
      0,
    );
    assert.deepEqual(got, []);
  });

  it("accepts an approved request with the requester's own Follow id", async () => {
    const grace = w.r1.user("grace");
    const followId = `${grace.uri}#follows/${newId()}`;
    assert.equal(
      await follow(w.ctx, grace.accountId, lena.accountId, { uri: followId }),
      "requested",
    );
    await call(lena, `/api/v1/follow_requests/${grace.accountId}/authorize`);
    const got = await deliveriesWhere(w.all, (d) => d.activity.type === "Accept", 1);
    assert.deepEqual(inboxesOf(got), [grace.inbox]);
    const { activity } = got[0]!;
    assert.equal(activity.actor, lenaUri);
    assert.deepEqual(
      { id: activity.object.id, actor: activity.object.actor, object: activity.object.object },
      { id: followId, actor: grace.uri, object: lenaUri },
    );
  });

  it("rejects a turned-down request", async () => {
    const henry = w.r3.user("henry");
    const followId = `${henry.uri}#follows/${newId()}`;
    await follow(w.ctx, henry.accountId, lena.accountId, { uri: followId });
    await call(lena, `/api/v1/follow_requests/${henry.accountId}/reject`);
    const got = await deliveriesWhere(w.all, (d) => d.activity.object?.id === followId, 1);
    assert.deepEqual(inboxesOf(got), [henry.inbox]);
    assert.equal(got[0]!.activity.type, "Reject");
  });

  it("accepts a follow of an unlocked account at once, and rejects it on removal", async () => {
    const carol = w.r1.user("carol");
    const leeUri = `${w.base}/users/lee`;
    const followId = `${carol.uri}#follows/${newId()}`;
    assert.equal(
      await follow(w.ctx, carol.accountId, w.lee.accountId, { uri: followId }),
      "following",
    );
    const accepted = await deliveriesWhere(
      w.all,
      (d) => d.activity.type === "Accept" && d.activity.object.id === followId,
      1,
    );
    assert.deepEqual(inboxesOf(accepted), [carol.inbox]);
    assert.equal(accepted[0]!.activity.actor, leeUri);

    await call(w.lee, `/api/v1/accounts/${carol.accountId}/remove_from_followers`);
    const rejected = await deliveriesWhere(
      w.all,
      (d) => d.activity.type === "Reject" && d.activity.object.id === followId,
      1,
    );
    assert.deepEqual(inboxesOf(rejected), [carol.inbox]);
  });

  it("blocking a remote account undoes our follow, rejects theirs, sends Block; then Undo{Block}", async () => {
    const dave = w.r2.user("dave");
    // Alice follows Dave (he accepted) and Dave follows Alice, each with its Follow's id.
    await call(w.alice, `/api/v1/accounts/${dave.accountId}/follow`);
    const aliceFollow = (
      await w.ctx.db.kysely
        .selectFrom("follow_requests")
        .select("uri")
        .where("account_id", "=", w.alice.accountId)
        .where("target_account_id", "=", dave.accountId)
        .executeTakeFirstOrThrow()
    ).uri!;
    assert.equal(
      await followAccepted(w.ctx, {
        uri: aliceFollow,
        followerId: w.alice.accountId,
        targetId: dave.accountId,
      }),
      true,
    );
    const daveFollow = `${dave.uri}#follows/${newId()}`;
    await follow(w.ctx, dave.accountId, w.alice.accountId, { uri: daveFollow });
    await deliveriesWhere(w.all, (d) => d.activity.object?.id === daveFollow, 1);

    const relationship = await call(w.alice, `/api/v1/accounts/${dave.accountId}/block`);
    assert.deepEqual([relationship.blocking, relationship.following], [true, false]);
    const row = await w.ctx.db.kysely
      .selectFrom("blocks")
      .select("id")
      .where("account_id", "=", w.alice.accountId)
      .executeTakeFirstOrThrow();
    const blockId = `${w.aliceUri}#blocks/${row.id}`;
    const blocked = await deliveriesOf(w.all, blockId, 1);
    assert.deepEqual(inboxesOf(blocked), [dave.inbox]);
    assert.deepEqual(
      { type: blocked[0]!.activity.type, actor: blocked[0]!.activity.actor },
      { type: "Block", actor: w.aliceUri },
    );
    assert.equal(blocked[0]!.activity.object, dave.uri);
    // As Mastodon's BlockService: the follows it ends are told of too, to Dave alone.
    const undoFollow = await deliveriesOf(w.all, `${aliceFollow}/undo`, 1);
    assert.deepEqual(inboxesOf(undoFollow), [dave.inbox]);
    assert.equal(undoFollow[0]!.activity.object.type, "Follow");
    const rejected = await deliveriesWhere(
      w.all,
      (d) => d.activity.type === "Reject" && d.activity.object?.id === daveFollow,
      1,
    );
    assert.deepEqual(inboxesOf(rejected), [dave.inbox]);
    assert.equal(rejected[0]!.activity.actor, w.aliceUri);

    // Blocking again sends nothing more.
    await call(w.alice, `/api/v1/accounts/${dave.accountId}/block`);
    const blocks = await deliveriesWhere(w.all, (d) => d.activity.id === blockId, 2, 1_000);
    assert.equal(blocks.length, 1);

    await call(w.alice, `/api/v1/accounts/${dave.accountId}/unblock`);
    const undone = await deliveriesOf(w.all, `${blockId}/undo`, 1);
    assert.deepEqual(inboxesOf(undone), [dave.inbox]);
    assert.equal(undone[0]!.activity.type, "Undo");
    assert.equal(undone[0]!.activity.object.id, blockId);
    assert.equal(undone[0]!.activity.object.type, "Block");
  });

  it("mutes stay local: muting a remote account sends nothing", async () => {
    const erin = w.r2.user("erin");
    const before = w.all.flatMap((r) => r.deliveries).length;
    const relationship = await call(w.alice, `/api/v1/accounts/${erin.accountId}/mute`);
    assert.equal(relationship.muting, true);
    await call(w.alice, `/api/v1/accounts/${erin.accountId}/unmute`);
    const got = await deliveriesWhere(w.all, () => true, before + 1, 1_000);
    assert.equal(got.length, before);
  });

  it("a domain block rejects the follows of that server's accounts", async () => {
    const henry = w.r3.user("henry");
    const henryFollow = `${henry.uri}#follows/${newId()}`;
    await follow(w.ctx, henry.accountId, w.lee.accountId, { uri: henryFollow });
    await deliveriesWhere(w.all, (d) => d.activity.object?.id === henryFollow, 1);
    const res = await api(w.base, "POST", "/api/v1/domain_blocks", {
      token: w.lee.token,
      body: { domain: "R3.test" },
    });
    assert.equal(res.status, 200);
    const rejected = await deliveriesWhere(
      w.all,
      (d) => d.activity.type === "Reject" && d.activity.object?.id === henryFollow,
      1,
    );
    assert.deepEqual(inboxesOf(rejected), [henry.inbox]);
  });

  it("signed every delivery with the sender's key", () => {
    const all = w.all.flatMap((r) => r.deliveries);
    // 7 before the blocks; Follow, Accept, Undo{Follow}, Reject, Block, Undo{Block};
    // Accept and Reject for the domain block.
    assert.equal(all.length, 15);
    for (const d of all) assert.equal(d.signatureProblem, null, d.inbox);
  });
});
