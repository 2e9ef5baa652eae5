// Incoming rules, between a running Kith and a fake remote server delivering Creates: a note
// an incoming rule refuses is not stored, one it keeps off the public timelines is unlisted,
// one it marks is sensitive, and a brand-new account's mentions of local people are dropped.
// Each action is recorded with the rule that caused it.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { AS_CONTEXT, type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { writeRulesFile } from "../helpers/rules.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const fold = { caseFold: true, confusables: true, stripMarks: true, stripInvisible: true };
const RULES = writeRulesFile({
  version: 1,
  incoming: [
    // The fake fediverse serves from 127.0.0.1 (on its own port).
    {
      id: "no-casinos",
      domains: ["127.0.0.1"],
      unicode: fold,
      when: { words: ["casino"] },
      action: "reject",
    },
    { id: "ads-unlisted", unicode: fold, when: { words: ["advert"] }, action: "unlisted" },
    { id: "loud", when: { pattern: "!!!" }, action: "mark_sensitive" },
    {
      id: "new-accounts",
      when: { accountAgeUnderHours: 24, maxMentions: 0 },
      action: "drop_local_mentions",
    },
  ],
});

eachServer(
  "incoming rules",
  (server) => {
    let fake: FakeFediverse;
    let bob: FakeActor;
    let alice: TestUser; // follows bob
    let carol: TestUser;
    let n = 0;
    const base = () => server().url;
    const db = () => server().kith.ctx.db.kysely;
    const statusByUri = (uri: string) =>
      db().selectFrom("statuses").selectAll().where("uri", "=", uri).executeTakeFirst();
    const actionsFor = (uri: string) =>
      db().selectFrom("rule_actions").selectAll().where("object_uri", "=", uri).execute();
    const note = (content: string, extra: Record<string, unknown> = {}) => {
      n++;
      return {
        id: `${bob.id}/statuses/rules-${Date.now()}${n}`,
        type: "Note",
        attributedTo: bob.id,
        content: `<p>${content}</p>`,
        published: new Date().toISOString(),
        to: [PUBLIC],
        cc: [bob.followers],
        ...extra,
      };
    };
    const deliver = (object: Record<string, unknown>) =>
      fake.post(bob, `${base()}/inbox`, {
        "@context": AS_CONTEXT,
        id: `${object.id}/activity`,
        type: "Create",
        actor: bob.id,
        to: object.to,
        cc: object.cc,
        object,
      });

    before(async () => {
      fake = await FakeFediverse.start();
      bob = await fake.actor(`${fake.origin}/users/bob`);
      const { ctx } = server().kith;
      alice = await createUser(ctx, { username: "alice" });
      carol = await createUser(ctx, { username: "carol" });
      await fake.followedBy(ctx, bob, alice.accountId);
    });
    after(() => fake.stop());

    it("refuses a note an incoming rule rejects, stores nothing, and records why", async () => {
      const object = note("Visit my CАSINO now");
      assert.equal((await deliver(object)).status, 202);
      const [recorded] = await fake.waitFor(async () => {
        const rows = await actionsFor(object.id);
        return rows.length > 0 ? rows : null;
      });
      assert.equal(recorded?.rule_id, "no-casinos");
      assert.equal(recorded?.action, "reject");
      assert.equal(recorded?.direction, "incoming");
      assert.equal(recorded?.status_id, null);
      assert.equal(await statusByUri(object.id), undefined);
    });

    it("keeps a note off the public timelines, and marks another sensitive", async () => {
      const advert = note("an ADVERT for soap");
      const loud = note("hooray!!!");
      await deliver(advert);
      await deliver(loud);
      const unlisted = await fake.waitFor(() => statusByUri(advert.id));
      const sensitive = await fake.waitFor(() => statusByUri(loud.id));
      assert.equal(unlisted.visibility, "unlisted");
      assert.equal(sensitive.sensitive, 1);
      // Fan-out follows the stored row: wait for it to reach the follower's home.
      await fake.waitFor(async () => {
        const home = await api(base(), "GET", "/api/v1/timelines/home", { token: alice.token });
        return home.json.some((s: { uri: string }) => s.uri === advert.id);
      });
      const local = await api(base(), "GET", "/api/v1/timelines/public");
      assert.ok(!local.json.some((s: { uri: string }) => s.uri === advert.id));
      assert.deepEqual(
        (await actionsFor(advert.id)).map((r) => [r.rule_id, r.action, r.status_id]),
        [["ads-unlisted", "unlisted", unlisted.id]],
      );
      assert.deepEqual(
        (await actionsFor(loud.id)).map((r) => [r.rule_id, r.action, r.status_id]),
        [["loud", "mark_sensitive", sensitive.id]],
      );
    });

    it("refuses an edit that breaks a rule, keeping the status as it was", async () => {
      const object = note("a fine day");
      await deliver(object);
      const row = await fake.waitFor(() => statusByUri(object.id));
      const update = (content: string) =>
        fake.post(bob, `${base()}/inbox`, {
          "@context": AS_CONTEXT,
          id: `${object.id}#updates/${Date.now()}${Math.random()}`,
          type: "Update",
          actor: bob.id,
          object: { ...object, content, updated: new Date(Date.now() + 1000).toISOString() },
        });
      await update("<p>a fine casino</p>");
      const [refused] = await fake.waitFor(async () => {
        const rows = await actionsFor(object.id);
        return rows.length > 0 ? rows : null;
      });
      assert.deepEqual(
        [refused?.rule_id, refused?.action, refused?.status_id],
        ["no-casinos", "reject", row.id],
      );
      assert.equal((await statusByUri(object.id))?.content, "<p>a fine day</p>");
      await update("<p>a loud day!!!</p>");
      const edited = await fake.waitFor(async () => {
        const now = await statusByUri(object.id);
        return now?.content === "<p>a loud day!!!</p>" ? now : null;
      });
      assert.equal(edited.sensitive, 1);
      assert.deepEqual((await actionsFor(object.id)).map((r) => r.action).sort(), [
        "mark_sensitive",
        "reject",
      ]);
    });

    it("drops a brand-new account's mentions of local people", async () => {
      const carolUri = `${base()}/users/carol`;
      const object = note(`@carol hi`, {
        cc: [bob.followers, carolUri],
        tag: [{ type: "Mention", href: carolUri, name: "@carol" }],
      });
      await deliver(object);
      const row = await fake.waitFor(() => statusByUri(object.id));
      const mentions = await db()
        .selectFrom("status_mentions")
        .select("account_id")
        .where("status_id", "=", row.id)
        .execute();
      assert.deepEqual(mentions, []);
      const notes = await api(base(), "GET", "/api/v1/notifications", { token: carol.token });
      assert.ok(!notes.json.some((x: { status?: { id: string } }) => x.status?.id === row.id));
      assert.deepEqual(
        (await actionsFor(object.id)).map((r) => [r.rule_id, r.action]),
        [["new-accounts", "drop_local_mentions"]],
      );
    });
  },
  { env: { KITH_RULES_FILE: RULES } },
);
