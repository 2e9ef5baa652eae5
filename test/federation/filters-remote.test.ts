// Filters on statuses from another server, on both databases: a fake remote actor's note
// reaches its local followers' home timelines, where one follower's warn filter marks it
// (matched against the note's plain text, not its HTML) and another's hide filter removes it.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { AS_CONTEXT, type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

eachServer("filters on remote statuses", (server) => {
  let fake: FakeFediverse;
  let bob: FakeActor;
  let warned: TestUser;
  let hider: TestUser;
  const base = () => server().url;

  before(async () => {
    fake = await FakeFediverse.start();
    bob = await fake.actor(`${fake.origin}/users/bob`);
    const { ctx } = server().kith;
    warned = await createUser(ctx);
    hider = await createUser(ctx);
    for (const user of [warned, hider]) await fake.followedBy(ctx, bob, user.accountId);
  });
  after(() => fake.stop());

  const home = async (user: TestUser) => {
    const res = await api(base(), "GET", "/api/v1/timelines/home", { token: user.token });
    assert.equal(res.status, 200);
    // biome-ignore lint/suspicious/noExplicitAny: statuses are read field by field
    return res.json as any[];
  };

  it("filters a remote author's note in home by its plain text", async () => {
    const filter = async (user: TestUser, action: string) => {
      const res = await api(base(), "POST", "/api/v2/filters", {
        token: user.token,
        body: {
          title: "Fruit",
          context: ["home"],
          filter_action: action,
          keywords_attributes: [{ keyword: "love durian & rambutan", whole_word: true }],
        },
      });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      return res.json.id as string;
    };
    const warnId = await filter(warned, "warn");
    await filter(hider, "hide");

    const id = `${bob.id}/statuses/${Date.now()}`;
    const note = {
      id,
      type: "Note",
      attributedTo: bob.id,
      content: "<p>I <em>love</em> <strong>durian</strong> &amp; rambutan</p>",
      published: new Date().toISOString(),
      to: [PUBLIC],
      cc: [bob.followers],
    };
    const response = await fake.post(bob, `${base()}/inbox`, {
      "@context": AS_CONTEXT,
      id: `${id}/activity`,
      type: "Create",
      actor: bob.id,
      to: note.to,
      cc: note.cc,
      object: note,
    });
    assert.ok(response.status < 300, String(response.status));
    const seen = await fake.waitFor(async () => (await home(warned)).find((s) => s.uri === id));
    assert.equal(seen.account.acct.includes("@"), true, "a remote author");
    assert.deepEqual(
      seen.filtered.map((r: { filter: { id: string }; keyword_matches: string[] }) => [
        r.filter.id,
        r.keyword_matches,
      ]),
      [[warnId, ["love durian & rambutan"]]],
    );
    // The hider follows bob too and got the note in their feed, but does not see it.
    const feedRow = await server()
      .kith.ctx.db.kysely.selectFrom("home_feed")
      .select("status_id")
      .where("account_id", "=", hider.accountId)
      .where("status_id", "=", seen.id)
      .executeTakeFirst();
    assert.ok(feedRow, "in the hider's feed");
    assert.equal(
      (await home(hider)).find((s) => s.uri === id),
      undefined,
    );
  });
});
