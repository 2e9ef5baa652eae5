// The direct inbox path (src/federation/inbox/direct.ts) and its key cache: it takes the
// shared inbox and the personal inboxes of local accounts that exist; keys are
// kept most recently used first and unavailable ones only for a while; the path declines, and
// leaves the delivery to Fedify's verify-and-queue path, when every slot is taken, when the
// signer is not the activity's actor (a relayed activity), or when processing fails for now.
// A delivery repeated changes nothing, whether it carries a Create (recognised by its object's
// id) or anything else (recognised by the activity's id, remembered for a day).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { CryptographicKey } from "@fedify/vocab";
import { kithFederation } from "../../src/federation/federation.ts";
import { handleDirectly, takesDirectly } from "../../src/federation/inbox/direct.ts";
import { MemoryKeyCache } from "../../src/federation/inbox/key-cache.ts";
import { AS_CONTEXT, type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { eachServer } from "../helpers/server.ts";
import { createUser } from "../helpers/users.ts";
import { postOk } from "../http/statuses-fixtures.ts";

const keyUrl = (n: number) => new URL(`https://remote.example/users/u${n}#main-key`);
const key = (n: number) => new CryptographicKey({ id: keyUrl(n) });

describe("MemoryKeyCache", () => {
  it("makes room by forgetting the least recently used key", async () => {
    const cache = new MemoryKeyCache({ maxKeys: 2 });
    await cache.set(keyUrl(1), key(1));
    await cache.set(keyUrl(2), key(2));
    assert.equal((await cache.get(keyUrl(1)))?.id?.href, keyUrl(1).href);
    await cache.set(keyUrl(3), key(3));
    assert.equal(cache.size, 2);
    assert.equal(await cache.get(keyUrl(2)), undefined);
    assert.equal((await cache.get(keyUrl(1)))?.id?.href, keyUrl(1).href);
    assert.equal((await cache.get(keyUrl(3)))?.id?.href, keyUrl(3).href);
  });

  it("remembers a key that could not be had for a while only", async () => {
    const cache = new MemoryKeyCache({ unavailableMs: 40 });
    await cache.set(keyUrl(1), null);
    assert.equal(await cache.get(keyUrl(1)), null);
    await sleep(60);
    assert.equal(await cache.get(keyUrl(1)), undefined);
  });
});

eachServer("shared inbox deliveries handled in the request", (server) => {
  let fake: FakeFediverse;
  let bob: FakeActor;
  let mallory: FakeActor;
  let n = 0;
  const statusByUri = (uri: string) =>
    server()
      .kith.ctx.db.kysely.selectFrom("statuses")
      .select("id")
      .where("uri", "=", uri)
      .executeTakeFirst();

  function create() {
    n++;
    const alice = `${server().url}/users/alice`;
    const id = `${fake.origin}/users/bob/statuses/direct${n}`;
    return {
      id,
      activity: {
        "@context": AS_CONTEXT,
        id: `${id}/activity`,
        type: "Create",
        actor: bob.id,
        to: [alice],
        object: { id, type: "Note", attributedTo: bob.id, content: `<p>${n}</p>`, to: [alice] },
      },
    };
  }

  async function direct(signer: FakeActor, activity: Record<string, unknown>, limit?: number) {
    const { ctx } = server().kith;
    const request = await fake.sign(signer, `${server().url}/inbox`, activity);
    return handleDirectly(ctx, request, activity, kithFederation(ctx), limit);
  }

  before(async () => {
    fake = await FakeFediverse.start();
    bob = await fake.actor(`${fake.origin}/users/bob`);
    mallory = await fake.actor(`${fake.altOrigin}/users/mallory`);
    await createUser(server().kith.ctx, { username: "alice" });
  });
  after(() => fake.stop());

  it("stores the activity and answers 202", async () => {
    const { id, activity } = create();
    const response = await direct(bob, activity);
    assert.equal(response?.status, 202);
    assert.ok(await statusByUri(id));
  });

  it("changes nothing when a delivery comes again: one status, one favourite", async () => {
    const { kysely } = server().kith.ctx.db;
    const { id, activity } = create();
    assert.equal((await direct(bob, activity))?.status, 202);
    assert.equal((await direct(bob, activity))?.status, 202);
    const stored = await kysely.selectFrom("statuses").select("id").where("uri", "=", id).execute();
    assert.equal(stored.length, 1);

    const carol = await createUser(server().kith.ctx);
    const post = await postOk(server().url, carol, { status: "like me once" });
    const like = {
      "@context": AS_CONTEXT,
      id: `${bob.id}#likes/${post.id}`,
      type: "Like",
      actor: bob.id,
      object: post.uri,
    };
    assert.equal((await direct(bob, like))?.status, 202);
    assert.equal((await direct(bob, like))?.status, 202);
    const favourites = await kysely
      .selectFrom("favourites")
      .select("id")
      .where("status_id", "=", post.id)
      .execute();
    assert.equal(favourites.length, 1);
    const counted = await kysely
      .selectFrom("statuses")
      .select("favourites_count")
      .where("id", "=", post.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(counted.favourites_count), 1);
  });

  it("queues an activity whose processing fails for now; the worker stores it later", async () => {
    const id = `${fake.origin}/users/bob/statuses/later`;
    fake.serve(id, { error: "busy" }, { status: 503 });
    const response = await fake.post(bob, `${server().url}/inbox`, {
      "@context": AS_CONTEXT,
      id: `${id}/activity`,
      type: "Create",
      actor: bob.id,
      to: [`${server().url}/users/alice`],
      object: id,
    });
    assert.equal(response.status, 202);
    assert.equal(await statusByUri(id), undefined);
    fake.serve(id, {
      "@context": AS_CONTEXT,
      id,
      type: "Note",
      attributedTo: bob.id,
      content: "<p>later</p>",
      to: [`${server().url}/users/alice`],
    });
    await fake.waitFor(() => statusByUri(id), 30_000);
  });

  it("takes the personal inboxes of local accounts too, in the request; others stay Fedify's", async () => {
    const { ctx } = server().kith;
    assert.equal(await takesDirectly(ctx, "/inbox"), true);
    assert.equal(await takesDirectly(ctx, "/users/alice/inbox"), true);
    assert.equal(await takesDirectly(ctx, "/users/ALICE/inbox"), false);
    assert.equal(await takesDirectly(ctx, "/users/nobody/inbox"), false);
    assert.equal(await takesDirectly(ctx, "/users/%E0%A4%A/inbox"), false);
    assert.equal(await takesDirectly(ctx, "/users/alice/outbox"), false);

    const dave = await createUser(ctx);
    const post = await postOk(server().url, dave, { status: "like me in my inbox" });
    const response = await fake.post(bob, `${server().url}/users/${dave.username}/inbox`, {
      "@context": AS_CONTEXT,
      id: `${bob.id}#likes/personal-${post.id}`,
      type: "Like",
      actor: bob.id,
      object: post.uri,
    });
    assert.equal(response.status, 202);
    // Handled before the answer: no waiting for a worker.
    const favourite = await ctx.db.kysely
      .selectFrom("favourites")
      .select("id")
      .where("status_id", "=", post.id)
      .executeTakeFirst();
    assert.ok(favourite, "the favourite is stored when the 202 comes");
    const unknown = await fake.post(bob, `${server().url}/users/nobody/inbox`, {
      "@context": AS_CONTEXT,
      id: `${bob.id}#likes/nobody-${post.id}`,
      type: "Like",
      actor: bob.id,
      object: post.uri,
    });
    assert.equal(unknown.status, 404);
  });

  it("declines when every slot is taken, storing nothing", async () => {
    const { id, activity } = create();
    assert.equal(await direct(bob, activity, 0), null);
    assert.equal(await statusByUri(id), undefined);
  });

  it("declines an activity signed by someone other than its actor", async () => {
    const { id, activity } = create();
    assert.equal(await direct(mallory, activity), null);
    assert.equal(await statusByUri(id), undefined);
  });
});
