// Favourites and boosts from another server on local statuses, on both databases: counts and
// notifications, Undo (by the embedded activity and by its id alone), Misskey reactions and
// Pleroma EmojiReacts as favourites, invalid EmojiReacts refused, a private status that a
// stranger may not favourite or boost, and repeated deliveries that change nothing.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { AS_CONTEXT, type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

eachServer("inbound favourites and boosts", (server) => {
  let fake: FakeFediverse;
  let bob: FakeActor;
  let alice: TestUser;
  const base = () => server().url;
  const post = async (status: string, visibility = "public") =>
    (
      await api(base(), "POST", "/api/v1/statuses", {
        token: alice.token,
        body: { status, visibility },
      })
    ).json as { id: string; uri: string };
  const counts = async (id: string) =>
    (await api(base(), "GET", `/api/v1/statuses/${id}`, { token: alice.token })).json as {
      favourites_count: number;
      reblogs_count: number;
    };
  const notifications = async (type: string, statusId: string) =>
    (await api(base(), "GET", "/api/v1/notifications", { token: alice.token })).json.filter(
      (x: { type: string; status?: { id: string } }) =>
        x.type === type && x.status?.id === statusId,
    ).length as number;
  const deliver = (activity: Record<string, unknown>) =>
    fake.post(bob, `${base()}/inbox`, { "@context": AS_CONTEXT, actor: bob.id, ...activity });
  const uid = () => crypto.randomUUID();

  before(async () => {
    fake = await FakeFediverse.start();
    bob = await fake.actor(`${fake.origin}/users/bob`);
    alice = await createUser(server().kith.ctx, { username: "alice" });
  });
  after(() => fake.stop());

  it("counts a Like with a notification, once, and takes both back on Undo", async () => {
    const status = await post("like me");
    const like = { id: `${bob.id}#likes/${uid()}`, type: "Like", object: status.uri };
    await deliver(like);
    await fake.waitFor(async () => (await counts(status.id)).favourites_count === 1);
    await deliver(like);
    await deliver({ ...like, id: `${bob.id}#likes/${uid()}` });
    await sleep(500);
    assert.equal((await counts(status.id)).favourites_count, 1);
    assert.equal(await notifications("favourite", status.id), 1);
    await deliver({ id: `${like.id}/undo`, type: "Undo", object: like });
    await fake.waitFor(async () => (await counts(status.id)).favourites_count === 0);
    assert.equal(await notifications("favourite", status.id), 0);
  });

  it("undoes a Like named only by its id", async () => {
    const status = await post("like me by id");
    const like = { id: `${bob.id}#likes/${uid()}`, type: "Like", object: status.uri };
    await deliver(like);
    await fake.waitFor(async () => (await counts(status.id)).favourites_count === 1);
    await deliver({ id: `${like.id}/undo`, type: "Undo", object: like.id });
    await fake.waitFor(async () => (await counts(status.id)).favourites_count === 0);
  });

  it("counts a Misskey reaction and a one-emoji EmojiReact as favourites, and refuses others", async () => {
    const status = await post("react to me");
    const misskey = {
      "@context": [
        ...AS_CONTEXT,
        { misskey: "https://misskey-hub.net/ns#", _misskey_reaction: "misskey:_misskey_reaction" },
      ],
      id: `${bob.id}/likes/${uid()}`,
      type: "Like",
      actor: bob.id,
      object: status.uri,
      content: "🍮",
      _misskey_reaction: "🍮",
    };
    await fake.post(bob, `${base()}/inbox`, misskey);
    await fake.waitFor(async () => (await counts(status.id)).favourites_count === 1);

    const carol = await fake.actor(`${fake.origin}/users/carol`);
    const react = (content: string) => ({
      "@context": [
        ...AS_CONTEXT,
        { litepub: "http://litepub.social/ns#", EmojiReact: "litepub:EmojiReact" },
      ],
      id: `${carol.id}#reactions/${uid()}`,
      type: "EmojiReact",
      actor: carol.id,
      object: status.uri,
      content,
    });
    await fake.post(carol, `${base()}/inbox`, react("👌👌"));
    await fake.post(carol, `${base()}/inbox`, react("~"));
    await sleep(800);
    assert.equal((await counts(status.id)).favourites_count, 1);
    const valid = react("👍🏽");
    await fake.post(carol, `${base()}/inbox`, valid);
    await fake.waitFor(async () => (await counts(status.id)).favourites_count === 2);
    await fake.post(carol, `${base()}/inbox`, {
      "@context": AS_CONTEXT,
      id: `${valid.id}/undo`,
      type: "Undo",
      actor: carol.id,
      object: valid.id,
    });
    await fake.waitFor(async () => (await counts(status.id)).favourites_count === 1);
  });

  it("counts an Announce with a notification, and Undo takes it back", async () => {
    const status = await post("boost me");
    const announce = {
      id: `${bob.id}/statuses/${uid()}/activity`,
      type: "Announce",
      object: status.uri,
      to: [PUBLIC],
      cc: [bob.followers, `${base()}/users/alice`],
      published: new Date().toISOString(),
    };
    await deliver(announce);
    await fake.waitFor(async () => (await counts(status.id)).reblogs_count === 1);
    await deliver(announce);
    await sleep(500);
    assert.equal((await counts(status.id)).reblogs_count, 1);
    const notes = (await api(base(), "GET", "/api/v1/notifications", { token: alice.token })).json;
    assert.ok(
      notes.some(
        (x: { type: string; status?: { id: string } }) =>
          x.type === "reblog" && x.status?.id === status.id,
      ),
    );
    const boosted = await api(base(), "GET", `/api/v1/statuses/${status.id}/reblogged_by`, {
      token: alice.token,
    });
    assert.deepEqual(
      boosted.json.map((a: { acct: string }) => a.acct),
      [`bob@${new URL(fake.origin).host}`],
    );
    await deliver({ id: `${announce.id}/undo`, type: "Undo", object: announce });
    await fake.waitFor(async () => (await counts(status.id)).reblogs_count === 0);
  });

  it("refuses a favourite or boost of a followers-only status by someone who may not see it", async () => {
    const status = await post("followers only", "private");
    await deliver({ id: `${bob.id}#likes/${uid()}`, type: "Like", object: status.uri });
    await deliver({
      id: `${bob.id}/statuses/${uid()}/activity`,
      type: "Announce",
      object: status.uri,
      to: [PUBLIC],
    });
    await sleep(800);
    const after = await counts(status.id);
    assert.equal(after.favourites_count, 0);
    assert.equal(after.reblogs_count, 0);
  });
});
