// Instance rules on local posts, through masto.js as a client would post: a post that breaks a
// rule gets a 422 carrying the rule's own message and nothing is stored; one that passes is
// stored; rules that mark sensitive or narrow visibility do so, and every action is recorded.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { createRestAPIClient, type mastodon } from "masto";
import { localRule, writeRulesFile } from "../helpers/rules.ts";
import { eachServer } from "../helpers/server.ts";
import { createUser } from "../helpers/users.ts";

const RULES = writeRulesFile({
  version: 1,
  local: [
    localRule("no-zed", {
      fields: ["text", "spoiler_text", "display_name", "profile_fields"],
      when: { forbiddenChars: "z" },
      action: "reject",
      message: "No zeds here, friend.",
    }),
    localRule("spoilers", {
      when: { words: ["spoiler", "plot twist"] },
      action: "require_content_warning",
      message: "Spoilers need a content warning.",
    }),
    localRule("shouting", {
      fields: ["text", "display_name"],
      when: { pattern: "!!!" },
      action: "mark_sensitive",
      message: "Shouting is marked sensitive.",
    }),
    localRule("linky", {
      when: { maxLinks: 1 },
      action: "unlisted",
      message: "Posts with several links stay off the public timelines.",
    }),
  ],
});

eachServer(
  "instance rules on local posts",
  (server) => {
    let alice: mastodon.rest.Client;
    let aliceId: string;
    const db = () => server().kith.ctx.db.kysely;
    const statusCount = async () =>
      Number(
        (
          await db()
            .selectFrom("statuses")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const actions = (ruleId: string) =>
      db()
        .selectFrom("rule_actions")
        .selectAll()
        .where("rule_id", "=", ruleId)
        .orderBy("id")
        .execute();
    const refusal = async (post: Promise<unknown>) => {
      try {
        await post;
      } catch (error) {
        const e = error as { statusCode?: number; message: string };
        return { status: e.statusCode, message: e.message };
      }
      assert.fail("the post was accepted");
    };

    before(async () => {
      const user = await createUser(server().kith.ctx);
      aliceId = user.accountId;
      alice = createRestAPIClient({ url: server().url, accessToken: user.token });
    });

    it("refuses a post that breaks a rule with its message, and stores nothing", async () => {
      const before = await statusCount();
      for (const status of ["lazy dog", "LAZY", "la\u200bｚy", "ẑ", "Ζulu"]) {
        const answer = await refusal(alice.v1.statuses.create({ status }));
        assert.deepEqual(answer, { status: 422, message: "No zeds here, friend." }, status);
      }
      assert.equal(await statusCount(), before);
      const recorded = await actions("no-zed");
      assert.equal(recorded.length, 5);
      assert.ok(recorded.every((r) => r.account_id === aliceId && r.status_id === null));
      assert.ok(recorded.every((r) => r.action === "reject" && r.field === "text"));
    });

    it("checks the content warning too", async () => {
      const answer = await refusal(
        alice.v1.statuses.create({ status: "hello", spoilerText: "a puzzle" }),
      );
      assert.equal(answer.message, "No zeds here, friend.");
    });

    it("stores a post that passes, as usual", async () => {
      const status = await alice.v1.statuses.create({ status: "a quick brown fox" });
      assert.equal(status.content, "<p>a quick brown fox</p>");
      assert.equal(status.visibility, "public");
      assert.equal(status.sensitive, false);
      const fetched = await alice.v1.statuses.$select(status.id).fetch();
      assert.equal(fetched.id, status.id);
    });

    it("requires a content warning where a rule says so", async () => {
      const answer = await refusal(alice.v1.statuses.create({ status: "Spoiler: Plot  twist!" }));
      assert.deepEqual(answer, { status: 422, message: "Spoilers need a content warning." });
      const [recorded] = await actions("spoilers");
      assert.equal(recorded?.action, "require_content_warning");
      const warned = await alice.v1.statuses.create({
        status: "Spoiler: the butler did it",
        spoilerText: "the ending",
      });
      assert.equal(warned.spoilerText, "the ending");
    });

    it("marks a post sensitive and narrows visibility, recording each action", async () => {
      const loud = await alice.v1.statuses.create({ status: "hooray!!!" });
      assert.equal(loud.sensitive, true);
      const linked = await alice.v1.statuses.create({
        status: "see https://one.example/ and https://two.example/",
        visibility: "public",
      });
      assert.equal(linked.visibility, "unlisted");
      const direct = await alice.v1.statuses.create({
        status: "see https://one.example/ and https://two.example/",
        visibility: "direct",
      });
      assert.equal(direct.visibility, "direct", "a rule never widens visibility");
      assert.deepEqual(
        (await actions("shouting")).map((r) => [r.action, r.status_id]),
        [["mark_sensitive", loud.id]],
      );
      assert.deepEqual(
        (await actions("linky")).map((r) => [r.action, r.status_id]),
        [["unlisted", linked.id]],
      );
    });

    it("checks display names and profile fields where a rule names them", async () => {
      for (const change of [
        { displayName: "Ｚoë" },
        { note: "I like jazz" },
        { fieldsAttributes: [{ name: "Zone", value: "here" }] },
      ]) {
        const answer = await refusal(alice.v1.accounts.updateCredentials(change));
        assert.deepEqual(answer, { status: 422, message: "No zeds here, friend." });
      }
      // Rules that do not refuse (mark sensitive) have no meaning for a profile.
      const updated = await alice.v1.accounts.updateCredentials({
        displayName: "Alice!!!",
        note: "calm",
        fieldsAttributes: [{ name: "Home", value: "the sea" }],
      });
      assert.equal(updated.displayName, "Alice!!!");
      const refusals = (await actions("no-zed")).filter(
        (r) => r.field?.startsWith("display") || r.field === "profile_fields",
      );
      assert.deepEqual(
        refusals.map((r) => r.field),
        ["display_name", "profile_fields", "profile_fields"],
      );
    });

    it("refuses an edit that breaks a rule and keeps the status as it was", async () => {
      const status = await alice.v1.statuses.create({ status: "calm words" });
      const answer = await refusal(
        alice.v1.statuses.$select(status.id).update({ status: "crazy words" }),
      );
      assert.deepEqual(answer, { status: 422, message: "No zeds here, friend." });
      const stored = await alice.v1.statuses.$select(status.id).fetch();
      assert.equal(stored.content, "<p>calm words</p>");
      assert.equal(stored.editedAt, null);
      const recorded = await actions("no-zed");
      assert.equal(recorded.at(-1)?.status_id, status.id);
      // An edit adding a second link would narrow a public post: visibility cannot change on
      // an edit, so the rule refuses it instead.
      const linked = await refusal(
        alice.v1.statuses
          .$select(status.id)
          .update({ status: "https://one.example/ https://two.example/" }),
      );
      assert.equal(linked.message, "Posts with several links stay off the public timelines.");
    });
  },
  { env: { KITH_RULES_FILE: RULES } },
);
