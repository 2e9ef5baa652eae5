// No post lost across a crash: what a new status needs (followers' home feeds, mention, reblog
// and "status" notifications, direct conversations) is done in the creating transaction when it
// is small, so it commits with the status; a larger one is recorded there as a job. Here the
// process "dies" right after the commit (the Kith records every follow-up as a job and skips
// the inline follow-up) and the running worker does the work from that job, exactly once; and
// the job run again after the inline path (a crash before its job was dropped) changes nothing
// and streams nothing. The same for a status received from another server.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { KyselyPlugin, RootOperationNode } from "kysely";
import type { Context } from "../../src/domain/context.ts";
import { updatePolicy } from "../../src/domain/notifications/policy.ts";
import { createStatus } from "../../src/domain/statuses/create.ts";
import {
  followUpJob,
  IN_TRANSACTION_NOTIFICATIONS,
  STATUS_FOLLOW_UP_QUEUE,
  skipInlineFollowUp,
} from "../../src/domain/statuses/follow-up.ts";
import { listenToStreams, streamBusReady } from "../../src/domain/streaming/bus.ts";
import type { StreamMessage } from "../../src/domain/streaming/messages.ts";
import { loadViewer } from "../../src/domain/viewer.ts";
import { AS_CONTEXT, type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser } from "../helpers/users.ts";
import { follow, postOk } from "./statuses-fixtures.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

eachServer("a new status's follow-up across a crash", (server) => {
  const ctx = (): Context => server().kith.ctx;
  const db = () => ctx().db.kysely;
  let heard: StreamMessage[] = [];
  let stopListening: () => void = () => {};
  let fake: FakeFediverse;
  let remoteBob: FakeActor;

  // Direct messages from strangers are accepted, so the notification policy (tested
  // elsewhere) does not hold them back from conversations.
  const person = async () => {
    const user = await createUser(ctx());
    await updatePolicy(ctx(), user.accountId, { for_private_mentions: "accept" });
    return user;
  };

  before(async () => {
    stopListening = await listenToStreams(ctx(), (m) => heard.push(m));
    assert.ok(await streamBusReady(ctx()));
    fake = await FakeFediverse.start();
    remoteBob = await fake.actor(`${fake.origin}/users/bob`);
  });
  after(async () => {
    stopListening();
    await fake?.stop();
  });

  const followUpJobs = () =>
    db().selectFrom("jobs").selectAll().where("queue", "=", STATUS_FOLLOW_UP_QUEUE).execute();

  /** What each of these shows of the status: home rows, notifications by type, conversations. */
  async function traces(statusId: string, accountIds: string[]) {
    const out: Record<string, { home: number; notifications: string[]; conversations: unknown[] }> =
      {};
    for (const accountId of accountIds) {
      const home = await db()
        .selectFrom("home_feed")
        .select("status_id")
        .where("account_id", "=", accountId)
        .where("status_id", "=", statusId)
        .execute();
      const notes = await db()
        .selectFrom("notifications")
        .select("type")
        .where("account_id", "=", accountId)
        .where("status_id", "=", statusId)
        .orderBy("type")
        .execute();
      const conversations = await db()
        .selectFrom("account_conversation_statuses as cs")
        .innerJoin("account_conversations as c", "c.id", "cs.conversation_id")
        .select(["c.id", "c.unread", "c.last_status_id"])
        .where("c.account_id", "=", accountId)
        .where("cs.status_id", "=", statusId)
        .execute();
      out[accountId] = {
        home: home.length,
        notifications: notes.map((n) => n.type),
        conversations: conversations.map((c) => ({
          unread: Number(c.unread),
          last: c.last_status_id,
        })),
      };
    }
    return out;
  }

  /** Stream messages heard about the status (settled for a moment first). */
  async function streamedAbout(statusId: string) {
    await sleep(300);
    const notificationIds = new Set(
      (
        await db()
          .selectFrom("notifications")
          .select("id")
          .where("status_id", "=", statusId)
          .execute()
      ).map((n) => n.id),
    );
    return heard.filter(
      (m) =>
        (m.kind === "status" && m.statusId === statusId) ||
        (m.kind === "notification" && notificationIds.has(m.notificationId)),
    ).length;
  }

  /** The crash's fallback: the follow-up jobs made due now and taken by the running worker. */
  async function workerRunsFollowUps() {
    await db()
      .updateTable("jobs")
      .set({ run_at: new Date().toISOString() })
      .where("queue", "=", STATUS_FOLLOW_UP_QUEUE)
      .execute();
    await fake.waitFor(async () => (await followUpJobs()).length === 0);
  }

  /** The job again, as after a crash between the inline follow-up and the job's removal. */
  async function runAgain(payloads: unknown[]) {
    for (const payload of payloads) await followUpJob(ctx(), payload);
  }

  /**
   * A Context whose statements are watched: the tables rows were inserted into, in order, a
   * follow-up job's row as "follow-up job".
   */
  function watched(): { ctx: Context; insertedInto: string[] } {
    const insertedInto: string[] = [];
    const plugin: KyselyPlugin = {
      transformQuery({ node }): RootOperationNode {
        if (node.kind === "InsertQueryNode" && node.into) {
          const table = node.into.table.identifier.name;
          const followUp = JSON.stringify(node).includes(`"${STATUS_FOLLOW_UP_QUEUE}"`);
          insertedInto.push(table === "jobs" && followUp ? "follow-up job" : table);
        }
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    const base = ctx();
    return {
      ctx: { ...base, db: { ...base.db, kysely: base.db.kysely.withPlugin(plugin) } },
      insertedInto,
    };
  }

  it("a small follow-up commits with its status: no job is written for it", async () => {
    const [alice, bob, carol] = [await person(), await person(), await person()];
    await follow(ctx(), bob, alice, { notify: true });
    const { ctx: watching, insertedInto } = watched();
    const status = await createStatus(watching, await loadViewer(ctx(), alice.accountId), {
      text: `@${carol.username} hello`,
    });
    assert.ok(insertedInto.includes("statuses") && insertedInto.includes("notifications"));
    assert.ok(!insertedInto.includes("follow-up job"), `inserted: ${insertedInto.join(", ")}`);
    assert.deepEqual(await traces(status.id, [bob.accountId, carol.accountId]), {
      [bob.accountId]: { home: 1, notifications: ["status"], conversations: [] },
      [carol.accountId]: { home: 0, notifications: ["mention"], conversations: [] },
    });
  });

  it("a larger follow-up is recorded as a job, done after the commit and its job dropped", async () => {
    const alice = await person();
    const mentioned = [];
    for (let i = 0; i <= IN_TRANSACTION_NOTIFICATIONS; i++) mentioned.push(await person());
    const { ctx: watching, insertedInto } = watched();
    const status = await createStatus(watching, await loadViewer(ctx(), alice.accountId), {
      text: mentioned.map((p) => `@${p.username}`).join(" "),
    });
    assert.equal(insertedInto.filter((t) => t === "follow-up job").length, 1, "its job");
    assert.deepEqual(await followUpJobs(), [], "dropped by the inline follow-up");
    const notified = await db()
      .selectFrom("notifications")
      .select("account_id")
      .where("status_id", "=", status.id)
      .where("type", "=", "mention")
      .execute();
    assert.equal(notified.length, mentioned.length);
  });

  async function crashAfterCommit<T>(work: () => Promise<T>): Promise<T> {
    skipInlineFollowUp.add(ctx().config);
    try {
      return await work();
    } finally {
      skipInlineFollowUp.delete(ctx().config);
    }
  }

  it("a local post, direct message and reblog whose inline follow-up died: the worker does it once", async () => {
    const { url } = server();
    const [alice, bob, carol, dave] = [
      await person(),
      await person(),
      await person(),
      await person(),
    ];
    await follow(ctx(), bob, alice, { notify: true });
    const { pub, dm, boost } = await crashAfterCommit(async () => {
      const pub = await postOk(url, alice, { status: `@${carol.username} hello` });
      const dm = await postOk(url, alice, {
        status: `@${dave.username} psst`,
        visibility: "direct",
      });
      const boost = await api(url, "POST", `/api/v1/statuses/${pub.id}/reblog`, {
        token: carol.token,
      });
      assert.equal(boost.status, 200);
      return { pub, dm, boost: boost.json };
    });
    const people = [bob.accountId, carol.accountId, dave.accountId, alice.accountId];
    const lost = {
      [bob.accountId]: { home: 0, notifications: [], conversations: [] },
      [carol.accountId]: { home: 0, notifications: [], conversations: [] },
      [dave.accountId]: { home: 0, notifications: [], conversations: [] },
      [alice.accountId]: { home: 1, notifications: [], conversations: [] },
    };
    assert.deepEqual(await traces(pub.id, people), lost, "lost at the crash, but for the job");
    const jobs = await followUpJobs();
    assert.equal(jobs.length, 3);
    assert.ok(jobs.every((j) => j.run_at > new Date(Date.now() + 30_000).toISOString()));

    await workerRunsFollowUps();
    const expectedPub = {
      [bob.accountId]: { home: 1, notifications: ["status"], conversations: [] },
      [carol.accountId]: { home: 0, notifications: ["mention"], conversations: [] },
      [dave.accountId]: { home: 0, notifications: [], conversations: [] },
      [alice.accountId]: { home: 1, notifications: ["reblog"], conversations: [] },
    };
    assert.deepEqual(await traces(pub.id, people), expectedPub);
    const expectedDm = {
      [dave.accountId]: {
        home: 1,
        notifications: ["mention"],
        conversations: [{ unread: 1, last: dm.id }],
      },
      [alice.accountId]: {
        home: 1,
        notifications: [],
        conversations: [{ unread: 0, last: dm.id }],
      },
      [bob.accountId]: { home: 0, notifications: [], conversations: [] },
    };
    assert.deepEqual(
      await traces(dm.id, [dave.accountId, alice.accountId, bob.accountId]),
      expectedDm,
    );
    // Local reblogs are notified by the original, as Mastodon's.
    const aliceNotes = await db()
      .selectFrom("notifications")
      .select(["type", "from_account_id", "status_id"])
      .where("account_id", "=", alice.accountId)
      .execute();
    assert.deepEqual(
      aliceNotes.map((n) => ({ ...n })),
      [{ type: "reblog", from_account_id: carol.accountId, status_id: pub.id }],
    );
    assert.equal(
      (await traces(boost.id, [bob.accountId]))[bob.accountId]!.home,
      0,
      "bob has the original",
    );
    const streamed = await streamedAbout(dm.id);

    // And once more: nothing new.
    await runAgain(jobs.map((j) => JSON.parse(j.payload)));
    assert.deepEqual(await traces(pub.id, people), expectedPub);
    assert.deepEqual(
      await traces(dm.id, [dave.accountId, alice.accountId, bob.accountId]),
      expectedDm,
    );
    assert.equal(
      (
        await db()
          .selectFrom("notifications")
          .select("id")
          .where("account_id", "=", alice.accountId)
          .execute()
      ).length,
      1,
    );
    assert.equal(await streamedAbout(dm.id), streamed);
  });

  it("the job after the inline follow-up changes and streams nothing", async () => {
    const { url } = server();
    const [alice, bob, carol] = [await person(), await person(), await person()];
    await follow(ctx(), bob, alice, { notify: true });
    heard = [];
    const pub = await postOk(url, alice, { status: `@${carol.username} hi` });
    const dm = await postOk(url, alice, {
      status: `@${carol.username} psst`,
      visibility: "direct",
    });
    assert.deepEqual(await followUpJobs(), [], "the inline follow-up dropped its job");
    const people = [alice.accountId, bob.accountId, carol.accountId];
    const before = [await traces(pub.id, people), await traces(dm.id, people)];
    assert.deepEqual(before[0]![bob.accountId], {
      home: 1,
      notifications: ["status"],
      conversations: [],
    });
    assert.deepEqual((before[1]![carol.accountId] as { notifications: string[] }).notifications, [
      "mention",
    ]);
    const streamed = [await streamedAbout(pub.id), await streamedAbout(dm.id)];
    assert.ok(streamed[0]! >= 3, "public, bob's home, alice's home, carol's notification");

    await runAgain([
      {
        statusId: pub.id,
        notifications: [
          {
            type: "mention",
            recipientId: carol.accountId,
            fromAccountId: alice.accountId,
            statusId: pub.id,
          },
        ],
      },
      {
        statusId: dm.id,
        notifications: [
          {
            type: "mention",
            recipientId: carol.accountId,
            fromAccountId: alice.accountId,
            statusId: dm.id,
          },
        ],
      },
    ]);
    assert.deepEqual([await traces(pub.id, people), await traces(dm.id, people)], before);
    assert.deepEqual([await streamedAbout(pub.id), await streamedAbout(dm.id)], streamed);
    await followUpJob(ctx(), { nonsense: true }); // a broken payload is shrugged off
  });

  it("a status from another server whose inbox job died after the commit", async () => {
    const { url } = server();
    const [alice, carol] = [await person(), await person()];
    await fake.followedBy(ctx(), remoteBob, alice.accountId);
    const carolUri = `${url}/users/${carol.username}`;
    const note = (id: string, extra: { to: unknown; cc: unknown }) => ({
      id: `${remoteBob.id}/statuses/${id}`,
      type: "Note",
      attributedTo: remoteBob.id,
      content: `<p>@carol ${id}</p>`,
      published: new Date().toISOString(),
      tag: [{ type: "Mention", href: carolUri, name: `@${carol.username}` }],
      ...extra,
    });
    const create = (object: { id: string; to: unknown; cc: unknown }) => ({
      "@context": AS_CONTEXT,
      id: `${object.id}/activity`,
      type: "Create",
      actor: remoteBob.id,
      to: object.to,
      cc: object.cc,
      object,
    });
    const stamp = Date.now();
    const pub = note(`p${stamp}`, { to: [PUBLIC], cc: [remoteBob.followers, carolUri] });
    const dm = note(`d${stamp}`, { to: [carolUri], cc: [] });
    const stored = (uri: string) =>
      fake.waitFor(() =>
        db().selectFrom("statuses").select("id").where("uri", "=", uri).executeTakeFirst(),
      );

    const [pubRow, dmRow] = await crashAfterCommit(async () => {
      await fake.post(remoteBob, `${url}/inbox`, create(pub));
      await fake.post(remoteBob, `${url}/inbox`, create(dm));
      const rows = [await stored(pub.id), await stored(dm.id)];
      // Until the inbox jobs are done, their inline follow-up might still come.
      await fake.waitFor(async () => {
        const inbox = await db()
          .selectFrom("jobs")
          .select("id")
          .where("queue", "=", "fedify")
          .executeTakeFirst();
        return inbox === undefined;
      });
      return rows as [{ id: string }, { id: string }];
    });
    const people = [alice.accountId, carol.accountId];
    assert.deepEqual(await traces(pubRow.id, people), {
      [alice.accountId]: { home: 0, notifications: [], conversations: [] },
      [carol.accountId]: { home: 0, notifications: [], conversations: [] },
    });
    // The sender's retry finds the status stored and leaves it: the job is what remains.
    await fake.post(remoteBob, `${url}/inbox`, create(pub));
    assert.equal((await followUpJobs()).length, 2);

    await workerRunsFollowUps();
    const expectedPub = {
      [alice.accountId]: { home: 1, notifications: [], conversations: [] },
      [carol.accountId]: { home: 0, notifications: ["mention"], conversations: [] },
    };
    const expectedDm = {
      [alice.accountId]: { home: 0, notifications: [], conversations: [] },
      [carol.accountId]: {
        home: 1,
        notifications: ["mention"],
        conversations: [{ unread: 1, last: dmRow.id }],
      },
    };
    assert.deepEqual(await traces(pubRow.id, people), expectedPub);
    assert.deepEqual(await traces(dmRow.id, people), expectedDm);
    const streamed = [await streamedAbout(pubRow.id), await streamedAbout(dmRow.id)];

    const mention = (statusId: string) => ({
      statusId,
      notifications: [
        { type: "mention", recipientId: carol.accountId, fromAccountId: "", statusId },
      ],
    });
    const bobAccount = await db()
      .selectFrom("accounts")
      .select("id")
      .where("uri", "=", remoteBob.id)
      .executeTakeFirstOrThrow();
    const again = [mention(pubRow.id), mention(dmRow.id)];
    for (const p of again) p.notifications[0]!.fromAccountId = bobAccount.id;
    await runAgain(again);
    assert.deepEqual(await traces(pubRow.id, people), expectedPub);
    assert.deepEqual(await traces(dmRow.id, people), expectedDm);
    assert.deepEqual([await streamedAbout(pubRow.id), await streamedAbout(dmRow.id)], streamed);
  });
});
