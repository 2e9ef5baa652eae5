// Signed deliveries, on both databases, through a running Kith: draft-cavage and RFC 9421
// signatures are accepted; a wrong key, a wrong digest, a stale date, a key from another host
// and an object on another host than its actor are refused with 401 or 403, and nothing of
// them is stored. The shared inbox takes the same checks on its own path (inbox/direct.ts),
// which stores an activity before it answers.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { generateCryptoKeyPair } from "@fedify/fedify";
import { AS_CONTEXT, type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { eachServer } from "../helpers/server.ts";
import { createUser } from "../helpers/users.ts";

eachServer("inbox signatures", (server) => {
  let fake: FakeFediverse;
  let bob: FakeActor;
  let mallory: FakeActor; // on another host (localhost vs 127.0.0.1)
  let n = 0;
  const statusByUri = (uri: string) =>
    server()
      .kith.ctx.db.kysely.selectFrom("statuses")
      .select("id")
      .where("uri", "=", uri)
      .executeTakeFirst();

  /** A Create of a direct note to alice (so it concerns someone here), by bob unless told. */
  function create(noteHost = fake.origin) {
    n++;
    const alice = `${server().url}/users/alice`;
    const id = `${noteHost}/users/bob/statuses/sig${n}`;
    return {
      id,
      activity: {
        "@context": AS_CONTEXT,
        id: `${id}/activity`,
        type: "Create",
        actor: bob.id,
        to: [alice],
        object: { id, type: "Note", attributedTo: bob.id, content: `<p>sig ${n}</p>`, to: [alice] },
      },
    };
  }
  const personalInbox = () => `${server().url}/users/alice/inbox`;
  const sharedInbox = () => `${server().url}/inbox`;
  let inbox = personalInbox;

  before(async () => {
    fake = await FakeFediverse.start();
    bob = await fake.actor(`${fake.origin}/users/bob`);
    mallory = await fake.actor(`${fake.altOrigin}/users/mallory`);
    await createUser(server().kith.ctx, { username: "alice" });
  });
  after(() => fake.stop());

  for (const spec of ["draft-cavage-http-signatures-12", "rfc9421"] as const) {
    it(`accepts a delivery signed with ${spec}`, async () => {
      const { id, activity } = create();
      const response = await fake.post(bob, inbox(), activity, { spec });
      assert.equal(response.status, 202);
      await fake.waitFor(() => statusByUri(id));
    });

    it(`stores a delivery to the shared inbox signed with ${spec} before answering`, async () => {
      const { id, activity } = create();
      const response = await fake.post(bob, sharedInbox(), activity, { spec });
      assert.equal(response.status, 202);
      assert.ok(await statusByUri(id), "stored by the time of the 202");
      // Delivered again, it is recognised and stored once.
      const again = await fake.post(bob, sharedInbox(), activity, { spec });
      assert.equal(again.status, 202);
      const rows = await server()
        .kith.ctx.db.kysely.selectFrom("statuses")
        .select("id")
        .where("uri", "=", id)
        .execute();
      assert.equal(rows.length, 1);
    });
  }

  const refusals: [string, (a: unknown) => Promise<Response>, number[]][] = [
    [
      "a signature made with another key",
      async (a) => {
        const { privateKey } = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
        return fake.post(bob, inbox(), a, { privateKey });
      },
      [401],
    ],
    [
      "a body that does not match its digest",
      (a) =>
        fake.post(bob, inbox(), a, {
          tamperedBody: JSON.stringify({ ...(a as object), extra: 1 }),
        }),
      [401],
    ],
    [
      "a stale date",
      (a) => fake.post(bob, inbox(), a, { signedAt: new Date(Date.now() - 3 * 3600_000) }),
      [401],
    ],
    ["a key from another host", (a) => fake.post(mallory, inbox(), a), [401, 403]],
    ["no signature", (a) => fake.post(bob, inbox(), a, { unsigned: true }), [401]],
  ];
  for (const [name, which] of [
    ["", personalInbox],
    [" at the shared inbox", sharedInbox],
  ] as const) {
    for (const [what, send, statuses] of refusals) {
      it(`refuses ${what}${name} and stores nothing`, async () => {
        inbox = which;
        try {
          const { id, activity } = create();
          const response = await send(activity);
          assert.ok(statuses.includes(response.status), `got ${response.status}`);
          await sleep(300);
          assert.equal(await statusByUri(id), undefined);
        } finally {
          inbox = personalInbox;
        }
      });
    }
  }

  it("refuses an object on another host than its actor with 403 and stores nothing", async () => {
    const { id, activity } = create(fake.altOrigin);
    const response = await fake.post(bob, inbox(), activity);
    assert.equal(response.status, 403);
    assert.match(((await response.json()) as { error: string }).error, /host/);
    await sleep(300);
    assert.equal(await statusByUri(id), undefined);
  });

  it("refuses a note attributed to someone other than the actor with 403", async () => {
    const { id, activity } = create();
    const forged = {
      ...activity,
      object: { ...activity.object, attributedTo: `${fake.origin}/users/carol` },
    };
    const response = await fake.post(bob, inbox(), forged);
    assert.equal(response.status, 403);
    await sleep(300);
    assert.equal(await statusByUri(id), undefined);
  });
});
