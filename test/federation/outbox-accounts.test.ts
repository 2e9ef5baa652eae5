// A local account deleted for good (`kith accounts delete`) is announced to other servers as a
// Delete of its actor, as Mastodon's DeleteAccountService does: once per server of its remote
// followers and of the accounts it followed, signed with the key it kept, while its actor
// document is gone (410).
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { deleteLocal } from "../../src/domain/accounts/admin.ts";
import { deliveriesOf, deliveriesWhere, PUBLIC } from "../helpers/recording-inbox.ts";
import { eachServer } from "../helpers/server.ts";
import { api } from "../helpers/users.ts";
import { inboxesOf, insertFollow, setUpWorld, type World } from "./outbox-world.ts";

eachServer("outbound deletion of an account", (server) => {
  let w: World;
  before(async () => {
    w = await setUpWorld(server());
    // alice follows dave on r2; bob, carol (r1) and frank (r3) follow her.
    await insertFollow(w.ctx, w.r2.user("dave").accountId, w.alice.accountId);
  });
  after(() => w.close());

  it("sends a signed Delete of the actor to every server that knows the account", async () => {
    // A post first, so the servers hold alice's key as a real peer would before she goes.
    const post = await api(w.base, "POST", "/api/v1/statuses", {
      token: w.alice.token,
      body: { status: "last words" },
    });
    assert.equal(post.status, 200);
    await deliveriesWhere(w.all, (d) => d.activity?.type === "Create", 2);

    await deleteLocal(w.ctx, "alice");
    const got = await deliveriesOf(w.all, `${w.aliceUri}#delete`, 3);
    assert.deepEqual(
      inboxesOf(got),
      [...w.followerInboxes, `${w.r2.origin}/inbox`].sort(),
      "each server once, shared inboxes preferred",
    );
    for (const delivery of got) {
      assert.equal(delivery.activity.type, "Delete");
      assert.equal(delivery.activity.actor, w.aliceUri);
      assert.equal(delivery.activity.object, w.aliceUri);
      assert.deepEqual([delivery.activity.to].flat(), [PUBLIC]);
      assert.equal(delivery.signatureProblem, null);
    }
    // Her actor is gone for everyone; the login too.
    const actor = await fetch(w.aliceUri, { headers: { Accept: "application/activity+json" } });
    assert.equal(actor.status, 410);
    const me = await api(w.base, "GET", "/api/v1/accounts/verify_credentials", {
      token: w.alice.token,
    });
    assert.equal(me.status, 401);
  });
});
