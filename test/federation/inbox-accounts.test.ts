// Remote accounts changing, on both databases, through a running Kith and a fake remote: an
// Update of the actor refreshes its profile; a Move (confirmed by alsoKnownAs) moves local
// followers to the new account, once; Add and Remove pin and unpin; a Delete of the actor, or
// of an actor whose server now answers 410 Gone, removes the account and what it posted.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { authorizeFollowRequest, follow } from "../../src/domain/relationships/follow.ts";
import { resolveActor } from "../../src/federation/remote/actors.ts";
import { AS_CONTEXT, type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

eachServer("inbound account changes", (server) => {
  let fake: FakeFediverse;
  let alice: TestUser;
  const base = () => server().url;
  const db = () => server().kith.ctx.db.kysely;
  const account = (uri: string) =>
    db().selectFrom("accounts").selectAll().where("uri", "=", uri).executeTakeFirst();
  const env = () => ({
    kith: server().kith.ctx,
    loader: fake.loader,
    contextLoader: fake.contextLoader,
  });
  /** A remote actor alice follows, with one public note delivered. */
  async function followedActor(name: string, extra: Record<string, unknown> = {}) {
    const actor = await fake.actor(`${fake.origin}/users/${name}`, extra);
    const row = await resolveActor(env(), actor.id);
    await follow(server().kith.ctx, alice.accountId, row.id);
    await authorizeFollowRequest(server().kith.ctx, alice.accountId, row.id);
    return { actor, row };
  }
  async function postNote(actor: FakeActor, n: string) {
    const id = `${actor.id}/statuses/${n}`;
    await fake.post(actor, `${base()}/inbox`, {
      "@context": AS_CONTEXT,
      id: `${id}/activity`,
      type: "Create",
      actor: actor.id,
      object: { id, type: "Note", attributedTo: actor.id, content: `<p>${n}</p>`, to: [PUBLIC] },
    });
    return fake.waitFor(() =>
      db().selectFrom("statuses").selectAll().where("uri", "=", id).executeTakeFirst(),
    );
  }

  before(async () => {
    fake = await FakeFediverse.start();
    alice = await createUser(server().kith.ctx, { username: "alice" });
  });
  after(() => fake.stop());

  it("refreshes the profile on an Update of the actor, from the actor's own server", async () => {
    const { actor } = await followedActor("dana", { name: "Dana" });
    const renamed = await fake.actor(actor.id, {
      name: "Dana Renamed",
      summary: "<p>new <script>x</script>bio</p>",
    });
    await fake.post(renamed, `${base()}/inbox`, {
      "@context": AS_CONTEXT,
      id: `${actor.id}#updates/1`,
      type: "Update",
      actor: actor.id,
      // Whatever is embedded, the profile comes from the actor's own server.
      object: { ...renamed.document, name: "Forged" },
    });
    const row = await fake.waitFor(async () => {
      const a = await account(actor.id);
      return a?.display_name === "Dana Renamed" ? a : null;
    });
    assert.equal(row.note, "<p>new bio</p>");
  });

  it("moves local followers to the new account when alsoKnownAs confirms it, once", async () => {
    const { actor: old, row } = await followedActor("erin");
    const target = await fake.actor(`${fake.altOrigin}/users/erin2`, { alsoKnownAs: [old.id] });
    const move = {
      "@context": AS_CONTEXT,
      id: `${old.id}#moves/1`,
      type: "Move",
      actor: old.id,
      object: old.id,
      target: target.id,
    };
    await fake.post(old, `${base()}/inbox`, move);
    const moved = await fake.waitFor(async () => (await account(old.id))?.moved_to_account_id);
    const newRow = await account(target.id);
    assert.equal(moved, newRow?.id);
    // alice asked to follow the new account (a Follow went out) and no longer follows the old.
    await fake.waitFor(() =>
      fake.received.find((r) => r.json?.type === "Follow" && r.json.object === target.id),
    );
    await fake.waitFor(
      async () =>
        !(await db()
          .selectFrom("follows")
          .select("id")
          .where("target_account_id", "=", row.id)
          .executeTakeFirst()),
    );
    const relationships = await api(
      base(),
      "GET",
      `/api/v1/accounts/relationships?id[]=${newRow!.id}&id[]=${row.id}`,
      { token: alice.token },
    );
    const of = (id: string) => relationships.json.find((r: { id: string }) => r.id === id);
    assert.equal(of(newRow!.id).requested, true);
    assert.equal(of(row.id).following, false);
    await fake.post(old, `${base()}/inbox`, { ...move, id: `${old.id}#moves/2` });
    await sleep(500);
    const requests = await db()
      .selectFrom("follow_requests")
      .select("id")
      .where("target_account_id", "=", newRow!.id)
      .execute();
    assert.equal(requests.length, 1);
  });

  it("moves followers even when the old account's document named the new one first", async () => {
    const { actor: old, row } = await followedActor("jo");
    const target = await fake.actor(`${fake.altOrigin}/users/jo2`, { alsoKnownAs: [old.id] });
    // As after a refetch of the old actor with movedTo: the move is recorded, nobody moved.
    const newRow = await resolveActor(env(), target.id);
    await db()
      .updateTable("accounts")
      .set({ moved_to_account_id: newRow.id })
      .where("id", "=", row.id)
      .execute();
    await fake.post(old, `${base()}/inbox`, {
      "@context": AS_CONTEXT,
      id: `${old.id}#moves/1`,
      type: "Move",
      actor: old.id,
      object: old.id,
      target: target.id,
    });
    await fake.waitFor(() =>
      db()
        .selectFrom("follow_requests")
        .select("id")
        .where("account_id", "=", alice.accountId)
        .where("target_account_id", "=", newRow.id)
        .executeTakeFirst(),
    );
  });

  it("refuses a Move whose target does not name the old account", async () => {
    const { actor: old } = await followedActor("fred");
    const target = await fake.actor(`${fake.altOrigin}/users/fred2`);
    await fake.post(old, `${base()}/inbox`, {
      "@context": AS_CONTEXT,
      id: `${old.id}#moves/1`,
      type: "Move",
      actor: old.id,
      object: old.id,
      target: target.id,
    });
    await sleep(800);
    assert.equal((await account(old.id))?.moved_to_account_id, null);
  });

  it("pins and unpins with Add and Remove on the featured collection", async () => {
    const { actor } = await followedActor("gwen", {
      featured: `${fake.origin}/users/gwen/featured`,
    });
    const status = await postNote(actor, "pin-me");
    const pinned = async () =>
      (
        await api(base(), "GET", `/api/v1/accounts/${status.account_id}/statuses?pinned=true`, {
          token: alice.token,
        })
      ).json.map((s: { id: string }) => s.id);
    const change = (type: "Add" | "Remove") =>
      fake.post(actor, `${base()}/inbox`, {
        "@context": AS_CONTEXT,
        id: `${actor.id}#${type}/${Date.now()}`,
        type,
        actor: actor.id,
        object: status.uri,
        target: `${fake.origin}/users/gwen/featured`,
      });
    await change("Add");
    await fake.waitFor(async () => (await pinned()).includes(status.id));
    await change("Remove");
    await fake.waitFor(async () => (await pinned()).length === 0);
  });

  it("removes an account and its statuses on a Delete of the actor", async () => {
    const { actor, row } = await followedActor("hana");
    const status = await postNote(actor, "bye");
    await fake.post(actor, `${base()}/inbox`, {
      "@context": AS_CONTEXT,
      id: `${actor.id}#delete`,
      type: "Delete",
      actor: actor.id,
      object: actor.id,
      to: [PUBLIC],
    });
    await fake.waitFor(async () => !(await account(actor.id)));
    assert.equal(
      (await api(base(), "GET", `/api/v1/statuses/${status.id}`, { token: alice.token })).status,
      404,
    );
    const follows = await db()
      .selectFrom("follows")
      .select("id")
      .where("target_account_id", "=", row.id)
      .execute();
    assert.deepEqual(follows, []);
  });

  it("removes an account whose server answers 410 Gone for its key", async () => {
    const { actor } = await followedActor("ivan");
    fake.serve(actor.id, { error: "gone" }, { status: 410 });
    const response = await fake.post(actor, `${base()}/inbox`, {
      "@context": AS_CONTEXT,
      id: `${actor.id}#delete`,
      type: "Delete",
      actor: actor.id,
      object: actor.id,
    });
    assert.equal(response.status, 202);
    await fake.waitFor(async () => !(await account(actor.id)));
  });
});
