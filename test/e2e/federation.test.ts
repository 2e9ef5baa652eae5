// Three Kith instances, each its own process, federating over HTTPS on loopback through the
// federation lab (src/lab): people on a, b and c find each other by @handle and use only the
// client API (masto.js), as they would from Elk or Phanpy. Once on SQLite, once on PostgreSQL.
// Every instance has one incoming rule (docs/rules/): posts from elsewhere that say "spamword"
// are marked sensitive, and the action is recorded.
//
//   a: alice (admin), amy          b: bob (admin), bella (locked)          c: carol (admin), cody
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createStreamingAPIClient, type mastodon } from "masto";
import WebSocketClient from "ws";
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/database.ts";
import { type Lab, type LabInstance, startLab, trustLab } from "../../src/lab/lab.ts";
import { runKith } from "../helpers/cli.ts";
import {
  acquaintances,
  addPerson,
  dropDatabases,
  eventually,
  homeHas,
  onBothDatabases,
  type Person,
  person,
  QUIET,
  resolveStatus,
} from "./lab-people.ts";

function federationScenario(name: string, databaseUrlPrefix: string | null) {
  const dir = mkdtempSync(join(tmpdir(), "kith-e2e-"));
  let lab: Lab;
  let alice: Person, amy: Person, bob: Person, bella: Person, carol: Person, cody: Person;
  /** How each viewer's instance knows the others (remote account ids there). */
  const { remote, followAndWait } = acquaintances();
  let bobPublic: mastodon.v1.Status;
  let bobPrivate: mastodon.v1.Status;

  describe(name, { timeout: 600_000 }, () => {
    before(async () => {
      const rules = join(dir, "rules.json");
      writeFileSync(
        rules,
        JSON.stringify({
          version: 1,
          incoming: [{ id: "spam-word", when: { words: ["spamword"] }, action: "mark_sensitive" }],
        }),
      );
      lab = await startLab({
        dir,
        instances: 3,
        basePort: 0,
        env: { ...QUIET, KITH_RULES_FILE: rules },
        databaseUrlPrefix,
      });
      trustLab(lab);
      const [a, b, c] = lab.instances as [LabInstance, LabInstance, LabInstance];
      [alice, bob, carol] = await Promise.all([
        person(a, a.adminToken),
        person(b, b.adminToken),
        person(c, c.adminToken),
      ]);
      [amy, bella, cody] = await Promise.all([
        addPerson(a, "amy"),
        addPerson(b, "bella"),
        addPerson(c, "cody"),
      ]);
    });
    after(async () => {
      await lab?.stop();
      rmSync(dir, { recursive: true, force: true });
      if (databaseUrlPrefix) await dropDatabases(databaseUrlPrefix, ["a", "b", "c"]);
    });

    it("follows by @handle across servers, and asks a locked account first", async () => {
      await followAndWait(alice, bob);
      await followAndWait(carol, bob);
      const bobsFollowers = await bob.client.v1.accounts.$select(bob.id).followers.list();
      assert.deepEqual(bobsFollowers.map((a) => a.acct).sort(), [
        "alice@a.localhost",
        "carol@c.localhost",
      ]);

      await bella.client.v1.accounts.updateCredentials({ locked: true });
      const bellaOnA = await remote(amy, bella);
      const asked = await amy.client.v1.accounts.$select(bellaOnA.id).follow();
      assert.equal(asked.following, false);
      const request = await eventually("bella sees amy's request", async () =>
        (await bella.client.v1.followRequests.list()).find((a) => a.acct === "amy@a.localhost"),
      );
      await bella.client.v1.followRequests.$select(request.id).authorize();
      await eventually("amy follows bella once accepted", async () => {
        const [r] = await amy.client.v1.accounts.relationships.fetch({ id: [bellaOnA.id] });
        return r?.following && !r.requested;
      });
    });

    it("delivers each post only to whom its visibility allows", async () => {
      bobPublic = await bob.client.v1.statuses.create({ status: "public hello from b" });
      bobPrivate = await bob.client.v1.statuses.create({
        status: "followers only from b",
        visibility: "private",
      });
      await bob.client.v1.statuses.create({
        status: "@alice@a.localhost a direct word for alice",
        visibility: "direct",
      });
      // alice and carol follow bob: both get the public and followers-only posts.
      for (const viewer of [alice, carol]) {
        await eventually(`${viewer.acct} gets the public post`, () =>
          homeHas(viewer, "public hello from b"),
        );
        await eventually(`${viewer.acct} gets the followers-only post`, () =>
          homeHas(viewer, "followers only from b"),
        );
      }
      // Only alice was addressed by the direct post.
      const direct = await eventually("alice gets the direct post", () =>
        homeHas(alice, "a direct word for alice"),
      );
      assert.equal(direct.visibility, "direct");
      // It is a conversation for alice, and for nobody else on any server.
      const conversations = await alice.client.v1.conversations.list();
      const conversation = conversations.find((c) => c.lastStatus?.id === direct.id);
      assert.ok(conversation, "alice has the conversation");
      assert.equal(conversation.unread, true);
      assert.deepEqual(
        conversation.accounts.map((a) => a.acct),
        ["bob@b.localhost"],
      );
      for (const viewer of [amy, carol, cody]) {
        const theirs = await viewer.client.v1.conversations.list();
        assert.ok(
          theirs.every((c) => !c.lastStatus?.content.includes("a direct word")),
          `${viewer.acct} has no such conversation`,
        );
      }
      const mention = await eventually("alice is notified of the mention", async () =>
        (await alice.client.v1.notifications.list({ types: ["mention"] })).find((n) =>
          n.status?.content.includes("a direct word"),
        ),
      );
      assert.equal(mention.account?.acct, "bob@b.localhost");
      // Give a straggling delivery time to arrive, then look where it must not be.
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(await homeHas(carol, "a direct word for alice"), undefined);

      // cody follows nobody: he finds the public post by its URL, not the private one.
      const found = await resolveStatus(cody, bobPublic.uri);
      assert.equal(found?.content.includes("public hello from b"), true);
      assert.equal(await resolveStatus(cody, bobPrivate.uri), null);
      for (const viewer of [cody, amy]) {
        assert.equal(await homeHas(viewer, "followers only from b"), undefined);
        assert.equal(await homeHas(viewer, "a direct word for alice"), undefined);
      }
    });

    it("reaches someone the author's server has never seen, by mentioning them", async () => {
      // Nobody on c has met amy: the mention is looked up at a, as Mastodon does.
      await cody.client.v1.statuses.create({
        status: "@amy@a.localhost a word from c",
        visibility: "direct",
      });
      // An unsolicited private mention waits as a notification request (Mastodon 4.3's
      // default notification policy) until amy accepts it.
      const request = await eventually("amy gets a notification request", async () =>
        (await amy.client.v1.notifications.requests.list()).find(
          (r) => r.account.acct === "cody@c.localhost",
        ),
      );
      await amy.client.v1.notifications.requests.$select(request.id).accept();
      const notification = await eventually("amy is notified", async () =>
        (await amy.client.v1.notifications.list({ types: ["mention"] })).find((n) =>
          n.status?.content.includes("a word from c"),
        ),
      );
      assert.equal(notification.account?.acct, "cody@c.localhost");
      assert.equal(notification.status?.visibility, "direct");
      assert.equal(await homeHas(alice, "a word from c"), undefined, "nobody else on a has it");
    });

    it("threads a reply with a mention back to the author's server", async () => {
      const onA = await eventually("the public post on a", () =>
        homeHas(alice, "public hello from b"),
      );
      await alice.client.v1.statuses.create({
        status: "@bob@b.localhost hello back from a",
        inReplyToId: onA.id,
      });
      const notification = await eventually("bob is notified of the reply", async () =>
        (await bob.client.v1.notifications.list({ types: ["mention"] })).find((n) =>
          n.status?.content.includes("hello back from a"),
        ),
      );
      assert.equal(notification.status?.inReplyToId, bobPublic.id);
      const context = await bob.client.v1.statuses.$select(bobPublic.id).context.fetch();
      assert.ok(context.descendants.some((s) => s.account.acct === "alice@a.localhost"));
    });

    it("counts favourites and boosts on the author's server, with notifications", async () => {
      const onA = (await homeHas(alice, "public hello from b"))!;
      const onC = (await homeHas(carol, "public hello from b"))!;
      await alice.client.v1.statuses.$select(onA.id).favourite();
      await carol.client.v1.statuses.$select(onC.id).reblog();
      await eventually("both counted on b", async () => {
        const s = await bob.client.v1.statuses.$select(bobPublic.id).fetch();
        return s.favouritesCount === 1 && s.reblogsCount === 1;
      });
      const notifications = await bob.client.v1.notifications.list({
        types: ["favourite", "reblog"],
      });
      assert.deepEqual(
        notifications
          .filter((n) => n.status?.id === bobPublic.id)
          .map((n) => `${n.type} ${n.account.acct}`)
          .sort(),
        ["favourite alice@a.localhost", "reblog carol@c.localhost"],
      );
      // Undoing them is counted too.
      await alice.client.v1.statuses.$select(onA.id).unfavourite();
      await eventually("the favourite is taken back on b", async () => {
        const s = await bob.client.v1.statuses.$select(bobPublic.id).fetch();
        return s.favouritesCount === 0;
      });
    });

    it("applies the instance's incoming rule to posts from elsewhere, and records it", async () => {
      await bob.client.v1.statuses.create({ status: "buy spamword today" });
      const flagged = await eventually("alice gets the post", () => homeHas(alice, "spamword"));
      assert.equal(flagged.sensitive, true, "marked sensitive by the rule");
      const clean = await homeHas(alice, "public hello from b");
      assert.equal(clean?.sensitive, false, "other posts are left alone");
      const config = loadConfig(lab.instances[0]!.env);
      const db = await openDatabase(config.database);
      try {
        const actions = await db.kysely
          .selectFrom("rule_actions")
          .select(["rule_id", "direction", "action"])
          .execute();
        // Spread: node:sqlite's rows have no prototype.
        assert.deepEqual(
          actions.map((a) => ({ ...a })),
          [{ rule_id: "spam-word", direction: "incoming", action: "mark_sensitive" }],
        );
      } finally {
        await db.close();
      }
    });

    it("counts a vote from another server in the author's poll", async () => {
      const poll = await bob.client.v1.statuses.create({
        status: "tea or coffee?",
        poll: { options: ["tea", "coffee"], expiresIn: 3600 },
      });
      const onA = await eventually("the poll reaches alice", () =>
        homeHas(alice, "tea or coffee?"),
      );
      assert.deepEqual(
        onA.poll?.options.map((o) => o.title),
        ["tea", "coffee"],
      );
      const voted = await alice.client.v1.polls
        .$select(onA.poll!.id)
        .votes.create({ choices: [1] });
      assert.deepEqual(voted.ownVotes, [1]);
      const counted = await eventually("the vote is counted on b", async () => {
        const s = await bob.client.v1.statuses.$select(poll.id).fetch();
        return s.poll?.votesCount === 1 ? s.poll : undefined;
      });
      assert.deepEqual(
        counted.options.map((o) => o.votesCount),
        [0, 1],
      );
    });

    it("carries edits, deletes and profile updates", async () => {
      await bob.client.v1.statuses.$select(bobPublic.id).update({
        status: "public hello from b, edited",
      });
      const edited = await eventually("alice sees the edit", async () => {
        const s = await homeHas(alice, "public hello from b");
        return s?.content.includes("edited") ? s : undefined;
      });
      assert.ok(edited.editedAt);
      const history = await alice.client.v1.statuses.$select(edited.id).history.list();
      assert.equal(history.length, 2, "the original and the edit");

      await bob.client.v1.statuses.$select(bobPrivate.id).remove();
      await eventually("carol no longer has the deleted post", async () =>
        (await homeHas(carol, "followers only from b")) === undefined ? true : undefined,
      );

      await bob.client.v1.accounts.updateCredentials({ displayName: "Bob of B" });
      const bobOnA = await remote(alice, bob);
      await eventually("alice sees bob's new name", async () => {
        const account = await alice.client.v1.accounts.$select(bobOnA.id).fetch();
        return account.displayName === "Bob of B";
      });
    });

    it("streams another server's post, a favourite of it and its deletion live (masto.js)", async () => {
      await followAndWait(amy, bob);
      const a = lab.instances[0]!;
      const instance = await amy.client.v2.instance.fetch();
      const streaming = createStreamingAPIClient({
        streamingApiUrl: instance.configuration.urls.streaming,
        accessToken: amy.token,
        // The `ws` package: it connects through Node's https, which the lab's host map and CA
        // reach.
        implementation: WebSocketClient as unknown as typeof WebSocket,
        retry: 3,
      });
      assert.equal(new URL(instance.configuration.urls.streaming).host, new URL(a.url).host);
      const seen: mastodon.streaming.Event[] = [];
      const subscription = streaming.user.subscribe();
      void (async () => {
        for await (const event of subscription) seen.push(event);
      })().catch(() => {});
      try {
        const saw = (what: string, match: (e: mastodon.streaming.Event) => boolean) =>
          eventually(`amy's stream gets ${what}`, async () => seen.find(match));
        // The subscription is live once a post of amy's own shows on it (the socket may still be
        // opening for the first ones).
        const own = await eventually("amy's stream to open", async () => {
          const probe = await amy.client.v1.statuses.create({ status: "amy is listening" });
          await new Promise((r) => setTimeout(r, 1_000));
          return seen.some((e) => e.event === "update" && e.payload.id === probe.id)
            ? probe
            : undefined;
        });
        const live = await bob.client.v1.statuses.create({ status: "live from b" });
        const update = await saw(
          "bob's post",
          (e) => e.event === "update" && e.payload.content.includes("live from b"),
        );
        assert.equal(update.event === "update" && update.payload.account.acct, bob.acct);
        const ownOnB = await resolveStatus(bob, own.uri);
        assert.ok(ownOnB);
        await bob.client.v1.statuses.$select(ownOnB.id).favourite();
        const note = await saw("the favourite", (e) => e.event === "notification");
        assert.equal(note.event === "notification" && note.payload.type, "favourite");
        await bob.client.v1.statuses.$select(live.id).remove();
        const liveOnA = update.event === "update" ? update.payload.id : "";
        await saw("the deletion", (e) => e.event === "delete" && e.payload === liveOnA);
      } finally {
        streaming.close();
      }
    });

    it("tells the other servers when an account is deleted", async () => {
      const bellaOnA = await remote(amy, bella);
      const b = lab.instances[1]!;
      const deleted = await runKith(["accounts", "delete", "bella"], { ...b.env, ...QUIET });
      assert.equal(deleted.code, 0, deleted.stderr);
      await eventually("bella is gone from a", async () => {
        const [r] = await amy.client.v1.accounts.relationships.fetch({ id: [bellaOnA.id] });
        return r === undefined || !r.following;
      });
      await assert.rejects(amy.client.v1.accounts.$select(bellaOnA.id).fetch());
    });

    it("honours a block: nothing more arrives and nothing can be fetched", async () => {
      const carolOnB = await eventually("carol known on b", async () =>
        (await bob.client.v1.accounts.$select(bob.id).followers.list()).find(
          (a) => a.acct === "carol@c.localhost",
        ),
      );
      await bob.client.v1.accounts.$select(carolOnB.id).block();
      const bobOnC = await remote(carol, bob);
      await eventually("carol no longer follows bob", async () => {
        const [r] = await carol.client.v1.accounts.relationships.fetch({ id: [bobOnC.id] });
        return r && !r.following;
      });
      const after = await bob.client.v1.statuses.create({ status: "after the block" });
      await eventually("alice still gets bob's posts", () => homeHas(alice, "after the block"));
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(await homeHas(carol, "after the block"), undefined);
      // Nor can carol fetch it by its URL, nor see bob's older posts.
      assert.equal(await resolveStatus(carol, after.uri), null);
      const bobsPosts = await carol.client.v1.accounts.$select(bobOnC.id).statuses.list();
      assert.deepEqual(bobsPosts, []);
      // cody, on the same server, is not blocked.
      assert.ok(await resolveStatus(cody, after.uri));
    });
  });
}

onBothDatabases("three instances federating over HTTPS", "e2e", federationScenario);
