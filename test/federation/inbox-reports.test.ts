// Reports from other servers (Flag) on both databases: stored as a report from the remote
// actor about the local account, with the statuses named and the comment, in the moderators'
// queue and notified once, however often the Flag is delivered. A Flag naming only a status
// reports its author (Lemmy, with the reason in `summary`); statuses the reporting server
// could not have seen are not attached; a Flag about nothing local is ignored.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { AS_CONTEXT, type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { OPENAPI_SKIP_REASON, validateEntity } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

// Mastodon gives remote accounts no e-mail or locale; the schema wants strings.
const REMOTE_ADMIN_ACCOUNT = {
  "/account/email": "null for a remote reporter, as in Mastodon",
  "/account/locale": "null for a remote reporter, as in Mastodon",
};

describe("inbound reports", { skip: OPENAPI_SKIP_REASON }, () => {
  eachServer("inbound Flag", (server) => {
    let fake: FakeFediverse;
    let instance: FakeActor;
    let alice: TestUser;
    let mod: TestUser;
    const base = () => server().url;
    const aliceUri = () => `${base()}/users/alice`;
    const deliver = (activity: Record<string, unknown>) =>
      fake.post(instance, `${base()}/inbox`, {
        "@context": AS_CONTEXT,
        actor: instance.id,
        type: "Flag",
        ...activity,
      });
    const queue = async (query = "") => {
      const r = await api(base(), "GET", `/api/v1/admin/reports${query}`, { token: mod.token });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r.json as {
        id: string;
        comment: string;
        account: { account: { id: string; acct: string } };
        target_account: { id: string };
        statuses: { id: string }[];
      }[];
    };
    const reportsAbout = async (accountId: string) => queue(`?target_account_id=${accountId}`);
    const reportNotifications = async () =>
      (
        await api(base(), "GET", "/api/v1/notifications?types[]=admin.report", {
          token: mod.token,
        })
      ).json as { report: { id: string } }[];
    const post = async (user: TestUser, status: string, visibility = "public") =>
      (
        await api(base(), "POST", "/api/v1/statuses", {
          token: user.token,
          body: { status, visibility },
        })
      ).json as { id: string; uri: string };

    before(async () => {
      fake = await FakeFediverse.start();
      instance = await fake.actor(`${fake.origin}/actor`, { type: "Application" });
      alice = await createUser(server().kith.ctx, { username: "alice" });
      mod = await createUser(server().kith.ctx, {
        username: "moddy",
        role: "moderator",
        scopes: ["read", "admin:read", "admin:write"],
      });
    });
    after(() => fake.stop());

    it("stores a Flag as a report in the queue, once, and tells moderators once", async () => {
      const status = await post(alice, "reported post");
      const flag = {
        id: `${fake.origin}/${crypto.randomUUID()}`,
        content: "Please take a look",
        object: [aliceUri(), status.uri, `${base()}/users/alice/statuses/404`],
        to: aliceUri(),
      };
      await deliver(flag);
      await fake.waitFor(async () => (await reportsAbout(alice.accountId)).length === 1);
      await deliver(flag);
      await deliver(flag);
      await sleep(700);
      const reports = await reportsAbout(alice.accountId);
      assert.equal(reports.length, 1, "one report however often it is delivered");
      const [report] = reports;
      assert.equal(report!.comment, "Please take a look");
      assert.equal(report!.target_account.id, alice.accountId);
      assert.match(report!.account.account.acct, /^actor@/);
      assert.deepEqual(
        report!.statuses.map((s) => s.id),
        [status.id],
        "known statuses attached, unknown skipped",
      );
      await validateEntity("AdminReport", report, { allow: REMOTE_ADMIN_ACCOUNT });
      const told = (await reportNotifications()).filter((n) => n.report.id === report!.id);
      assert.equal(told.length, 1);
      await api(base(), "POST", `/api/v1/admin/reports/${report!.id}/resolve`, {
        token: mod.token,
      });
    });

    it("reports the author of a status named alone, with a Lemmy-style summary", async () => {
      const bob = await createUser(server().kith.ctx, { username: "bob" });
      const status = await post(bob, "a post of bob's");
      await deliver({
        id: `${fake.origin}/activities/flag/${crypto.randomUUID()}`,
        summary: "report this post",
        object: status.uri,
      });
      await fake.waitFor(async () => (await reportsAbout(bob.accountId)).length === 1);
      const [report] = await reportsAbout(bob.accountId);
      assert.equal(report!.comment, "report this post");
      assert.deepEqual(
        report!.statuses.map((s) => s.id),
        [status.id],
      );
    });

    it("leaves out statuses the reporting server could not have seen", async () => {
      const carol = await createUser(server().kith.ctx, { username: "carol" });
      const secret = await post(carol, "only for followers", "private");
      const open = await post(carol, "for everyone");
      await deliver({
        id: `${fake.origin}/${crypto.randomUUID()}`,
        object: [`${base()}/users/carol`, secret.uri, open.uri],
      });
      await fake.waitFor(async () => (await reportsAbout(carol.accountId)).length === 1);
      const [report] = await reportsAbout(carol.accountId);
      assert.deepEqual(
        report!.statuses.map((s) => s.id),
        [open.id],
      );
    });

    it("ignores a Flag about nothing here", async () => {
      const before = (await queue()).length;
      await deliver({
        id: `${fake.origin}/${crypto.randomUUID()}`,
        content: "about someone elsewhere",
        object: [`${fake.origin}/users/someone`, `${fake.origin}/post/7`],
      });
      // A Flag about alice sent afterwards is stored; the one before it was not.
      const later = { id: `${fake.origin}/${crypto.randomUUID()}`, object: aliceUri() };
      await deliver(later);
      await fake.waitFor(async () => (await queue()).length === before + 1);
      assert.ok(!(await queue()).some((r) => r.comment === "about someone elsewhere"));
    });
  });
});
