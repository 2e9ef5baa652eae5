// Moderation across three Kith instances, each its own process, federating over HTTPS on
// loopback through the federation lab (src/lab), once on SQLite and once on PostgreSQL. People
// and moderators use only the client and admin APIs (masto.js), as from Elk or an admin app:
// personal tools hold for posts from other servers, a forwarded report reaches the other
// server's queue, a silenced server reaches only its followers, a suspended server can neither
// deliver nor fetch, an account suspension federates, and each server's audit log has it all.
//
//   a: alice (admin), amy          b: bob (admin), bella          c: carol (admin), cody
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { mastodon } from "masto";
import { type Lab, type LabInstance, startLab, trustLab } from "../../src/lab/lab.ts";
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

/** Long enough for a delivery that was going to happen to have happened. */
const settle = () => new Promise((r) => setTimeout(r, 1_500));

function moderationScenario(name: string, databaseUrlPrefix: string | null) {
  const dir = mkdtempSync(join(tmpdir(), "kith-e2e-mod-"));
  let lab: Lab;
  let a: LabInstance, b: LabInstance, c: LabInstance;
  let alice: Person, amy: Person, bob: Person, bella: Person, carol: Person, cody: Person;
  const { remote, following, followAndWait: follow } = acquaintances();
  const post = (
    author: Person,
    status: string,
    visibility: mastodon.v1.StatusVisibility = "public",
  ) => author.client.v1.statuses.create({ status, visibility });
  const mentionedBy = async (viewer: Person, text: string) => {
    const notes = await viewer.client.v1.notifications.list({ types: ["mention"], limit: 40 });
    return notes.some((n) => n.status?.content.includes(text));
  };
  /** GET /api/v1/admin/audit_log on `instance` as its admin. */
  const audit = async (instance: LabInstance, query: string) => {
    const response = await fetch(`${instance.url}/api/v1/admin/audit_log?${query}`, {
      headers: { authorization: `Bearer ${instance.adminToken}` },
    });
    assert.equal(response.status, 200);
    return (await response.json()) as { action: string; target_label: string; actor: string }[];
  };

  describe(name, { timeout: 600_000 }, () => {
    before(async () => {
      lab = await startLab({ dir, instances: 3, basePort: 0, env: QUIET, databaseUrlPrefix });
      trustLab(lab);
      [a, b, c] = lab.instances as [LabInstance, LabInstance, LabInstance];
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
      // Who follows whom, before anyone moderates anything.
      for (const [viewer, target] of [
        [amy, bob],
        [amy, cody],
        [cody, amy],
        [bob, amy],
        [bob, alice],
        [bella, cody],
        [cody, alice],
        [cody, bob],
      ] as const)
        await follow(viewer, target);
    });
    after(async () => {
      await lab?.stop();
      rmSync(dir, { recursive: true, force: true });
      if (databaseUrlPrefix) await dropDatabases(databaseUrlPrefix, ["a", "b", "c"]);
    });

    it("applies a keyword filter to posts, threads and mentions from another server", async () => {
      await amy.client.v2.filters.create({
        title: "no kale",
        context: ["home", "thread", "notifications", "public", "account"],
        filterAction: "hide",
        keywordsAttributes: [{ keyword: "kale", wholeWord: true }],
      });
      const kale = await post(bob, "kale salad again");
      const bread = await post(bob, "plain bread");
      await bob.client.v1.statuses.create({ status: "kale on the side", inReplyToId: bread.id });
      await post(bob, `@${amy.acct} kale for you`);
      await post(bob, `@${amy.acct} bread for you`);
      await eventually("the plain post arrives", () => homeHas(amy, "plain bread"));
      await eventually("the plain mention arrives", () => mentionedBy(amy, "bread for you"));
      assert.equal(await homeHas(amy, "kale salad"), undefined, "hidden from home");
      assert.equal(await mentionedBy(amy, "kale for you"), false, "hidden from notifications");
      const breadOnA = await resolveStatus(amy, bread.uri);
      assert.ok(breadOnA);
      const thread = await amy.client.v1.statuses.$select(breadOnA.id).context.fetch();
      assert.equal(
        thread.descendants.some((s) => s.content.includes("kale")),
        false,
        "hidden from the thread",
      );
      const bobOnA = await remote(amy, bob);
      const profile = await amy.client.v1.accounts.$select(bobOnA.id).statuses.list();
      assert.ok(profile.some((s) => s.content.includes("plain bread")));
      assert.equal(
        profile.some((s) => s.content.includes("kale salad")),
        false,
        "and the profile",
      );
      // alice, on the same server, has no such filter.
      const kaleOnA = await resolveStatus(alice, kale.uri);
      assert.ok(kaleOnA?.content.includes("kale salad"));
    });

    it("keeps a muted remote account's posts and mentions away", async () => {
      await amy.client.v1.accounts.$select((await remote(amy, cody)).id).mute({
        notifications: true,
      });
      await post(cody, "cody speaks");
      await post(cody, `@${amy.acct} cody calls`);
      await post(bob, "bob speaks");
      await eventually("bob's post arrives", () => homeHas(amy, "bob speaks"));
      await settle();
      assert.equal(await homeHas(amy, "cody speaks"), undefined);
      assert.equal(await mentionedBy(amy, "cody calls"), false);
      await amy.client.v1.accounts.$select((await remote(amy, cody)).id).unmute();
    });

    it("hides a whole server for one person, and stops sending it her posts", async () => {
      await amy.client.v1.domainBlocks.create({ domain: c.domain });
      await eventually("cody no longer follows amy", async () => !(await following(cody, amy)));
      await post(cody, "from c after the block");
      // As in Mastodon, someone she still follows there stays in her home timeline; the rest of
      // the server is gone from her public timelines.
      await eventually("cody's post reaches a", () => homeHas(amy, "from c after the block"));
      const onPublic = async (viewer: Person) =>
        (await viewer.client.v1.timelines.public.list({ remote: true, limit: 40 })).some((s) =>
          s.content.includes("from c after the block"),
        );
      assert.equal(await onPublic(amy), false, "gone from her federated timeline");
      assert.equal(await onPublic(alice), true, "alice has no such block");
      await post(amy, "amy to her followers", "private");
      await eventually("bob gets amy's post", () => homeHas(bob, "amy to her followers"));
      assert.equal(await homeHas(cody, "amy to her followers"), undefined);
      await amy.client.v1.domainBlocks.remove({ domain: c.domain });
    });

    it("forwards a report to the reported account's server, into its admin queue", async () => {
      const bellas = await post(bella, "something reportable");
      const onA = await resolveStatus(amy, bellas.uri);
      assert.ok(onA);
      await amy.client.v1.reports.create({
        accountId: onA.account.id,
        statusIds: [onA.id],
        comment: "please look at this",
        forward: true,
      });
      const report = await eventually("the report reaches b", async () =>
        (await bob.client.v1.admin.reports.list()).find((r) => r.comment === "please look at this"),
      );
      assert.equal(report.targetAccount.username, "bella");
      assert.deepEqual(
        report.statuses.map((s) => s.uri),
        [bellas.uri],
      );
      await bob.client.v1.admin.reports.$select(report.id).resolve();
    });

    it("lets a silenced server reach only its followers", async () => {
      await bob.client.v1.admin.domainBlocks.create({ domain: c.domain, severity: "silence" });
      await post(cody, "cody from a silenced server");
      await post(alice, "alice from an open server");
      await eventually("bella, a follower, still gets cody's post", () =>
        homeHas(bella, "cody from a silenced server"),
      );
      await eventually("bob gets alice's post", () => homeHas(bob, "alice from an open server"));
      const federated = await bob.client.v1.timelines.public.list({ remote: true, limit: 40 });
      assert.ok(federated.some((s) => s.content.includes("alice from an open server")));
      assert.equal(
        federated.some((s) => s.content.includes("cody from a silenced server")),
        false,
        "not on the public timeline",
      );
      const codyOnB = await bob.client.v1.accounts.$select((await remote(bob, cody)).id).fetch();
      assert.equal(codyOnB.limited, true, "his account shows as limited");
    });

    it("cuts off a suspended server: it can neither deliver nor fetch, and follows end", async () => {
      const carolsOld = await post(carol, "carol before the suspension");
      await carol.client.v1.admin.domainBlocks.create({ domain: a.domain, severity: "suspend" });
      await eventually("cody no longer follows alice", async () => !(await following(cody, alice)));
      await post(alice, "alice after the suspension");
      await post(bob, "bob after the suspension");
      await eventually("b still reaches c", () => homeHas(cody, "bob after the suspension"));
      await settle();
      assert.equal(await homeHas(cody, "alice after the suspension"), undefined);
      // a cannot fetch c's posts, new or old; b still can.
      assert.equal(await resolveStatus(amy, carolsOld.uri), null);
      assert.ok(await resolveStatus(bella, carolsOld.uri));
      // Nor can c be made to store anything of a's: a search there finds nothing.
      const aliceAfter = (await alice.client.v1.accounts.$select(alice.id).statuses.list())[0]!;
      assert.equal(await resolveStatus(cody, aliceAfter.uri), null);
    });

    it("federates an account's suspension and hides what it posted", async () => {
      const amyOnB = await remote(bob, amy);
      await post(amy, "amy before her suspension");
      await eventually("bob has amy's post", () => homeHas(bob, "amy before her suspension"));
      const amyOnA = (await alice.client.v1.admin.accounts.list({ username: "amy" }))[0]!;
      await alice.client.v1.admin.accounts.$select(amyOnA.id).action.create({ type: "suspend" });
      // b hears it (an Update of the actor saying suspended) and hides her there too.
      await eventually("b marks amy suspended", async () => {
        const account = await bob.client.v1.accounts.$select(amyOnB.id).fetch();
        return account.suspended === true;
      });
      assert.equal(await homeHas(bob, "amy before her suspension"), undefined);
      const local = await alice.client.v1.timelines.public.list({ local: true, limit: 40 });
      assert.equal(
        local.some((s) => s.account.id === amyOnA.id),
        false,
      );
      await assert.rejects(amy.client.v1.accounts.verifyCredentials(), "her login is suspended");
    });

    it("records every moderator action in each server's audit log", async () => {
      const onA = await audit(a, "action=account.");
      assert.ok(
        onA.some((e) => e.action === "account.suspend" && e.actor === "alice"),
        JSON.stringify(onA),
      );
      const onB = await audit(b, "");
      assert.ok(onB.some((e) => e.action === "domain_block.create" && e.target_label === c.domain));
      assert.ok(onB.some((e) => e.action === "report.resolve" && e.actor === "bob"));
      const onC = await audit(c, "action=domain_block.");
      assert.ok(onC.some((e) => e.action === "domain_block.create" && e.target_label === a.domain));
    });
  });
}

onBothDatabases("moderation across three instances", "e2e_mod", moderationScenario);
