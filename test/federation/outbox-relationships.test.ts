// Outbound follows and blocks over real HTTP on both databases: a Follow to a remote account
// (its id kept in follow_requests.uri) and its Undo; Accept and Reject of a remote account's
// Follow, naming that Follow's own id, whether the local account approves it through the API,
// needs no approval, turns it down or removes the follower later; Block and its Undo. Each goes
// to the other account's own inbox only.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { newId } from "../../src/db/ids.ts";
import { emitDomainEvent } from "../../src/domain/events.ts";
import { follow } from "../../src/domain/relationships/follow.ts";
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

  it("sends Block and Undo{Block} to the blocked account (domain events; no block API yet)", async () => {
    const dave = w.r2.user("dave");
    const facts = {
      blockId: newId(),
      accountId: w.alice.accountId,
      targetId: dave.accountId,
      uri: null,
    };
    await emitDomainEvent(w.ctx, { type: "block.created", ...facts });
    const blockId = `${w.aliceUri}#blocks/${facts.blockId}`;
    const got = await deliveriesOf(w.all, blockId, 1);
    assert.deepEqual(inboxesOf(got), [dave.inbox]);
    assert.equal(got[0]!.activity.type, "Block");
    assert.equal(got[0]!.activity.object, dave.uri);
    await emitDomainEvent(w.ctx, { type: "block.removed", ...facts });
    const undone = await deliveriesOf(w.all, `${blockId}/undo`, 1);
    assert.deepEqual(inboxesOf(undone), [dave.inbox]);
    assert.equal(undone[0]!.activity.object.id, blockId);
  });

  it("signed every delivery with the sender's key", () => {
    const all = w.all.flatMap((r) => r.deliveries);
    assert.equal(all.length, 9);
    for (const d of all) assert.equal(d.signatureProblem, null, d.inbox);
  });
});
