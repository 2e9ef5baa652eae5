// Forwarded reports over real HTTP on both databases: a user reports a remote account and asks
// for it to be forwarded; a Flag goes to that account's server (its shared inbox), signed by
// the instance actor, naming the account and the reported statuses with the comment,
// and never the reporter. Servers whose accounts the statuses replied to get it when named in
// forward_to_domains; nothing goes out without `forward`.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { deliveriesOf, deliveriesWhere, list } from "../helpers/recording-inbox.ts";
import { eachServer } from "../helpers/server.ts";
import { api } from "../helpers/users.ts";
import { inboxesOf, insertRemoteStatus, setUpWorld, type World } from "./outbox-world.ts";

eachServer("forwarded reports", (server) => {
  let w: World;
  let instanceUri: string;
  before(async () => {
    w = await setUpWorld(server());
    instanceUri = `${w.base}/actor`;
  });
  after(() => w.close());

  const report = async (body: Record<string, unknown>) => {
    const r = await api(w.base, "POST", "/api/v1/reports", { token: w.alice.token, body });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json as { id: string; forwarded: boolean };
  };
  /** The deliveries of the Flag a report made (its id is the report's uri). */
  const flagsOf = async (reportId: string, count: number) => {
    const { uri } = await w.ctx.db.kysely
      .selectFrom("reports")
      .select("uri")
      .where("id", "=", reportId)
      .executeTakeFirstOrThrow();
    return deliveriesOf(w.all, uri!, count);
  };

  it("sends an anonymous Flag to the reported account's server", async () => {
    const dave = w.r2.user("dave");
    const statusUri = `${dave.uri}/statuses/1`;
    const statusId = await insertRemoteStatus(w.ctx, dave.accountId, statusUri);
    const filed = await report({
      account_id: dave.accountId,
      status_ids: [statusId],
      comment: "Spam from dave",
      forward: true,
    });
    assert.equal(filed.forwarded, true);
    const got = await flagsOf(filed.id, 1);
    assert.deepEqual(inboxesOf(got), [`${w.r2.origin}/inbox`], "once, to the shared inbox");
    const [flag] = got;
    assert.equal(flag!.signatureProblem, null);
    assert.equal(flag!.activity.actor, instanceUri, "the server speaks, not the reporter");
    assert.deepEqual(list(flag!.activity.object), [dave.uri, statusUri]);
    assert.equal(flag!.activity.content, "Spam from dave");
    assert.match(flag!.activity.id, new RegExp(`^${w.base}/reports/[0-9a-f-]{36}$`));
    assert.doesNotMatch(flag!.body, new RegExp(`${w.aliceUri}|"alice"|@alice`));
    assert.ok(!flag!.body.includes(w.alice.accountId), "no trace of the reporter");
  });

  it("also tells the servers of replied-to accounts named in forward_to_domains", async () => {
    const erin = w.r2.user("erin");
    const henry = w.r3.user("henry");
    const replyUri = `${erin.uri}/statuses/reply`;
    const replyId = await insertRemoteStatus(w.ctx, erin.accountId, replyUri);
    await w.ctx.db.kysely
      .updateTable("statuses")
      .set({ in_reply_to_account_id: henry.accountId })
      .where("id", "=", replyId)
      .execute();
    const both = await report({
      account_id: erin.accountId,
      status_ids: [replyId],
      forward: true,
      forward_to_domains: ["r2.test", "r3.test"],
    });
    const got = await flagsOf(both.id, 2);
    assert.deepEqual(inboxesOf(got), [`${w.r2.origin}/inbox`, henry.inbox].sort());

    // Only the replied-to server: the report is not forwarded to erin's own.
    const onlyR3 = await report({
      account_id: erin.accountId,
      status_ids: [replyId],
      forward: true,
      forward_to_domains: ["r3.test"],
    });
    assert.equal(onlyR3.forwarded, false);
    assert.deepEqual(inboxesOf(await flagsOf(onlyR3.id, 1)), [henry.inbox]);
  });

  it("sends nothing without forward, nor for local accounts", async () => {
    const carol = w.r1.user("carol");
    const filed = await report({ account_id: carol.accountId, comment: "keep it here" });
    assert.equal(filed.forwarded, false);
    const local = await report({ account_id: w.lee.accountId, forward: true });
    assert.equal(local.forwarded, false);
    // A forwarded report filed afterwards arrives; the ones before it had no Flag.
    const grace = w.r1.user("grace");
    const forwarded = await report({ account_id: grace.accountId, forward: true });
    assert.equal((await flagsOf(forwarded.id, 1)).length, 1);
    const flags = await deliveriesWhere(w.all, (d) => d.activity?.type === "Flag", 0);
    const named = flags.flatMap((d) => list(d.activity.object));
    assert.ok(named.includes(grace.uri));
    assert.ok(!named.includes(carol.uri), "no Flag about carol");
    assert.ok(!named.some((uri) => String(uri).startsWith(w.base)), "none about lee");
  });
});
