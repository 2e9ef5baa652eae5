// Direct conversations over HTTP on both databases, through masto.js: grouped by thread and
// participant set as Mastodon groups them, unread for those who did not write the newest
// status, read and delete, paged by Link; only participants ever see one, and a conversation
// shows only statuses the account may see (blocks, mutes, deletions); shapes match OpenAPI.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRestAPIClient, type mastodon } from "masto";
import { updatePolicy } from "../../src/domain/notifications/policy.ts";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { postOk } from "./statuses-fixtures.ts";

const clientFor = (url: string, user: TestUser): mastodon.rest.Client =>
  createRestAPIClient({ url, accessToken: user.token });

/** id, unread, the other participants' IDs (sorted) and the shown status, per conversation. */
async function summary(client: mastodon.rest.Client) {
  return (await client.v1.conversations.list({ limit: 40 })).map((c) => ({
    id: c.id,
    unread: c.unread,
    accounts: c.accounts.map((a) => a.id).sort(),
    last: c.lastStatus?.id ?? null,
  }));
}

eachServer("conversations API", (server) => {
  const ctx = () => server().kith.ctx;
  /** A user who takes direct messages from strangers (held back by default, see below). */
  const user = async () => {
    const u = await createUser(ctx());
    await updatePolicy(ctx(), u.accountId, { for_private_mentions: "accept" });
    return u;
  };
  const dm = (from: TestUser, to: TestUser[], extra: Record<string, unknown> = {}) =>
    postOk(server().url, from, {
      status: `${to.map((u) => `@${u.username}`).join(" ")} psst`,
      visibility: "direct",
      ...extra,
    });

  it("groups by thread and participants; unread for everyone but the writer", async () => {
    const { url } = server();
    const [alice, bob, carol, dave] = [await user(), await user(), await user(), await user()];
    const [ca, cb, cc, cd] = [alice, bob, carol, dave].map((u) => clientFor(url, u)) as [
      mastodon.rest.Client,
      mastodon.rest.Client,
      mastodon.rest.Client,
      mastodon.rest.Client,
    ];
    const sorted = (...users: TestUser[]) => users.map((u) => u.accountId).sort();

    const first = await dm(alice, [bob, carol]);
    const [aliceConv] = await summary(ca);
    assert.deepEqual(
      { ...aliceConv, id: undefined },
      { id: undefined, unread: false, accounts: sorted(bob, carol), last: first.id },
    );
    const [bobConv] = await summary(cb);
    assert.deepEqual(
      [bobConv!.unread, bobConv!.accounts, bobConv!.last],
      [true, sorted(alice, carol), first.id],
    );
    assert.equal((await summary(cc))[0]!.unread, true);
    assert.deepEqual(await summary(cd), [], "not a participant: nothing");
    // A public mention or a followers-only post is not a conversation.
    await postOk(url, alice, { status: `@${dave.username} hi` });
    await postOk(url, alice, { status: `@${dave.username} hi`, visibility: "private" });
    assert.deepEqual(await summary(cd), []);

    // Bob answers everyone in the thread: the same conversation moves on, unread for alice.
    const answer = await dm(bob, [alice, carol], { in_reply_to_id: first.id });
    const aliceNow = await summary(ca);
    assert.deepEqual(
      aliceNow.map((c) => [c.id, c.unread, c.last]),
      [[aliceConv!.id, true, answer.id]],
    );
    assert.equal((await summary(cb))[0]!.unread, false, "bob wrote the newest one");

    // Bob answers alice alone: another participant set, another conversation.
    const aside = await dm(bob, [alice], { in_reply_to_id: answer.id });
    const [asideConv, mainConv] = await summary(ca);
    assert.deepEqual([asideConv!.accounts, asideConv!.last], [sorted(bob), aside.id]);
    assert.equal(mainConv!.id, aliceConv!.id);
    assert.equal((await summary(cc)).length, 1, "carol is not in the aside");
    assert.equal((await summary(cc))[0]!.last, answer.id);

    // Read, then delete; a later status brings the conversation back.
    const read = await ca.v1.conversations.$select(mainConv!.id).read();
    assert.equal(read.unread, false);
    assert.equal(read.lastStatus?.id, answer.id);
    assert.equal((await summary(ca)).find((c) => c.id === mainConv!.id)?.unread, false);
    await ca.v1.conversations.$select(asideConv!.id).remove();
    assert.deepEqual(
      (await summary(ca)).map((c) => c.id),
      [mainConv!.id],
    );
    assert.equal((await summary(cb)).length, 2, "deleting is alice's alone");
    const again = await dm(bob, [alice], { in_reply_to_id: aside.id });
    const back = await summary(ca);
    assert.equal(back.length, 2);
    assert.deepEqual([back[0]!.last, back[0]!.unread], [again.id, true]);

    // A note to oneself is a conversation with oneself, as Mastodon shows it.
    const solo = await postOk(url, dave, { status: "note to self", visibility: "direct" });
    assert.deepEqual(await summary(cd), [
      { id: (await summary(cd))[0]!.id, unread: false, accounts: [dave.accountId], last: solo.id },
    ]);
  });

  it("pages conversations newest first through the Link header", async () => {
    const { url } = server();
    const [alice, bob] = [await user(), await user()];
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push((await dm(alice, [bob])).id);
    const pages: string[][] = [];
    for await (const page of clientFor(url, bob).v1.conversations.list({ limit: 2 }))
      pages.push(page.map((c) => c.lastStatus!.id));
    assert.deepEqual(pages, [sent.slice(3).reverse(), sent.slice(1, 3).reverse(), [sent[0]!]]);
    const since = await api(url, "GET", `/api/v1/conversations?min_id=${sent[2]}`, {
      token: bob.token,
    });
    assert.deepEqual(
      since.json.map((c: { last_status: { id: string } }) => c.last_status.id),
      [sent[4], sent[3]],
    );
    const bad = await api(url, "GET", "/api/v1/conversations?max_id=abc", { token: bob.token });
    assert.equal(bad.status, 422);
  });

  it("shows only what the account may see: blocks, mutes and deletions hold", async () => {
    const { url } = server();
    const [alice, bob, carol, eve] = [await user(), await user(), await user(), await user()];
    const [cb, cc] = [clientFor(url, bob), clientFor(url, carol)];
    const first = await dm(alice, [bob, carol]);
    const reply = await dm(carol, [alice, bob], { in_reply_to_id: first.id });
    const lastOf = async (client: mastodon.rest.Client) =>
      (await summary(client)).map((c) => c.last);
    assert.deepEqual(await lastOf(cb), [reply.id]);

    // Bob blocks carol: the conversation falls back to alice's status for him.
    await api(url, "POST", `/api/v1/accounts/${carol.accountId}/block`, { token: bob.token });
    assert.deepEqual(await lastOf(cb), [first.id]);
    // Bob mutes alice too: nothing left for him to see, so it is not listed.
    await cb.v1.accounts.$select(alice.accountId).mute();
    assert.deepEqual(await summary(cb), []);
    await cb.v1.accounts.$select(alice.accountId).unmute();
    assert.deepEqual(await lastOf(cb), [first.id]);

    // Carol deletes her reply: the others see alice's again.
    await cc.v1.statuses.$select(reply.id).remove();
    assert.deepEqual(await lastOf(clientFor(url, alice)), [first.id]);

    // Eve, not a participant, cannot read or delete someone else's conversation.
    const [conv] = await summary(cb);
    for (const [method, path] of [
      ["POST", `/api/v1/conversations/${conv!.id}/read`],
      ["DELETE", `/api/v1/conversations/${conv!.id}`],
      ["POST", "/api/v1/conversations/junk/read"],
      ["DELETE", "/api/v1/conversations/123456789012345678"],
    ] as const) {
      const res = await api(url, method, path, { token: eve.token });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(typeof res.json.error, "string");
    }
    assert.deepEqual(await summary(clientFor(url, eve)), []);
    assert.equal((await summary(cb))[0]!.unread, true, "eve's attempt changed nothing");
    assert.equal((await api(url, "GET", "/api/v1/conversations")).status, 401);
  });

  it("does not file a direct status for a mentioned account who blocked the author", async () => {
    const { url } = server();
    const [alice, bob] = [await user(), await user()];
    await api(url, "POST", `/api/v1/accounts/${alice.accountId}/block`, { token: bob.token });
    await dm(alice, [bob]);
    assert.deepEqual(await summary(clientFor(url, bob)), []);
    assert.equal((await summary(clientFor(url, alice))).length, 1);
    const rows = await ctx()
      .db.kysely.selectFrom("account_conversations")
      .select("id")
      .where("account_id", "=", bob.accountId)
      .execute();
    assert.deepEqual(rows, [], "not even a hidden row");
  });

  it("keeps a direct message the notification policy filtered out until its request is accepted", async () => {
    const { url } = server();
    // Default policy: an unsolicited private mention is filtered.
    const [alice, bob, carol, dan] = [
      await createUser(ctx()),
      await user(),
      await user(),
      await createUser(ctx()),
    ];
    const [ca, cd] = [clientFor(url, alice), clientFor(url, dan)];
    const requestFrom = async (viewer: TestUser, sender: TestUser) => {
      const res = await api(url, "GET", "/api/v1/notifications/requests", { token: viewer.token });
      assert.equal(res.status, 200);
      return res.json.find((r: { account: { id: string } }) => r.account.id === sender.accountId);
    };
    const fromBob = await dm(bob, [alice]);
    const fromCarol = await dm(carol, [alice, dan]);
    assert.deepEqual(await summary(ca), [], "filtered: not among alice's conversations");
    assert.deepEqual(await summary(cd), [], "nor dan's");
    assert.equal((await summary(clientFor(url, bob)))[0]!.last, fromBob.id, "the author has it");

    // Accepting bob's request brings his message in, unread; later ones come straight in.
    const bobs = await requestFrom(alice, bob);
    assert.ok(bobs, "bob's message waits in a request");
    const accepted = await api(url, "POST", `/api/v1/notifications/requests/${bobs.id}/accept`, {
      token: alice.token,
    });
    assert.equal(accepted.status, 200);
    assert.deepEqual(
      (await summary(ca)).map((c) => [c.last, c.unread, c.accounts]),
      [[fromBob.id, true, [bob.accountId]]],
    );
    const again = await dm(bob, [alice], { in_reply_to_id: fromBob.id });
    assert.deepEqual(
      (await summary(ca)).map((c) => c.last),
      [again.id],
    );

    // Dismissing carol's request keeps hers out, for good.
    const carols = await requestFrom(alice, carol);
    const dismissed = await api(
      url,
      "POST",
      `/api/v1/notifications/requests/${carols.id}/dismiss`,
      { token: alice.token },
    );
    assert.equal(dismissed.status, 200);
    assert.deepEqual(
      (await summary(ca)).map((c) => c.last),
      [again.id],
    );
    assert.ok(!(await summary(ca)).some((c) => c.last === fromCarol.id));
    // Dan, another recipient, still holds carol's in his request, apart from alice's choice.
    assert.deepEqual(await summary(cd), []);
    const dans = await requestFrom(dan, carol);
    await api(url, "POST", `/api/v1/notifications/requests/${dans.id}/accept`, {
      token: dan.token,
    });
    assert.deepEqual(
      (await summary(cd)).map((c) => [c.last, c.accounts]),
      [[fromCarol.id, [alice.accountId, carol.accountId].sort()]],
    );

    // A policy that drops private mentions keeps them out of conversations too.
    const [erin, frank] = [await createUser(ctx()), await user()];
    await api(url, "PATCH", "/api/v2/notifications/policy", {
      token: erin.token,
      body: { for_private_mentions: "drop" },
    });
    await dm(frank, [erin]);
    assert.deepEqual(await summary(clientFor(url, erin)), []);
  });
});

describe("conversations against the Mastodon OpenAPI schema", { skip: OPENAPI_SKIP_REASON }, () => {
  eachServer("conversations schema", (server) => {
    it("matches the documented shapes", async () => {
      const { url } = server();
      const ctx = server().kith.ctx;
      const [alice, bob] = [await createUser(ctx), await createUser(ctx)];
      await updatePolicy(ctx, bob.accountId, { for_private_mentions: "accept" });
      await postOk(url, alice, { status: `@${bob.username} hi`, visibility: "direct" });
      const check = async (method: string, path: string) => {
        const res = await api(url, method, path, { token: bob.token });
        await validateResponse(method, path, res.status, res.json);
        return res;
      };
      const [conv] = (await check("GET", "/api/v1/conversations")).json;
      assert.equal(conv.unread, true);
      assert.equal(
        (await check("POST", `/api/v1/conversations/${conv.id}/read`)).json.unread,
        false,
      );
      await check("DELETE", `/api/v1/conversations/${conv.id}`);
      await check("DELETE", `/api/v1/conversations/${conv.id}`);
    });
  });
});
