// Scheduled statuses over real HTTP on both databases, driven by masto.js: scheduling with
// `scheduled_at` (a ScheduledStatus comes back, nothing is posted yet), listing with paging,
// reading, moving and cancelling one (its job moves and goes with it), Mastodon's refusals
// (too soon, bad dates, 300 in all, 25 a day, someone else's), posting by the worker when the
// time comes, and posting once however often the job runs. Responses are checked against
// Mastodon's OpenAPI schema.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createRestAPIClient, type mastodon } from "masto";
import { newId } from "../../src/db/ids.ts";
import { publishScheduledStatusJob } from "../../src/domain/statuses/scheduled-jobs.ts";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { linkPath, post } from "./statuses-fixtures.ts";

const MINUTE = 60_000;
export const SCHEDULED_GAPS = {
  "/params/in_reply_to_id": "Kith IDs are strings: 18-digit snowflakes do not fit a JS number",
  "/params/application_id": "Kith IDs are strings (deprecated field, masto types it as a string)",
};
const validate = OPENAPI_SKIP_REASON
  ? async () => {}
  : (method: string, path: string, res: { status: number; json: unknown }, list = false) =>
      validateResponse(method, path, res.status, res.json, {
        allow: list
          ? Object.fromEntries(Object.entries(SCHEDULED_GAPS).map(([k, v]) => [`/*${k}`, v]))
          : SCHEDULED_GAPS,
      });

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * MINUTE).toISOString();

eachServer("scheduled statuses", (server) => {
  let alice: TestUser;
  let bob: TestUser;
  let asAlice: mastodon.rest.Client;
  const base = () => server().url;
  const db = () => server().kith.ctx.db.kysely;
  const jobsOf = (id: string) =>
    db()
      .selectFrom("jobs")
      .selectAll()
      .where("dedupe_key", "=", `scheduled-status:${id}`)
      .execute();
  const statusesOf = (user: TestUser) =>
    db().selectFrom("statuses").selectAll().where("account_id", "=", user.accountId).execute();
  const schedule = (user: TestUser, body: Record<string, unknown>) =>
    api(base(), "POST", "/api/v1/statuses", { token: user.token, body });

  before(async () => {
    const { ctx } = server().kith;
    alice = await createUser(ctx, { username: "alice" });
    bob = await createUser(ctx, { username: "bob" });
    asAlice = createRestAPIClient({ url: base(), accessToken: alice.token });
  });

  let first: mastodon.v1.ScheduledStatus;
  it("schedules a status with masto.js: a ScheduledStatus comes back and nothing is posted", async () => {
    const at = inMinutes(60);
    first = await asAlice.v1.statuses.create({
      status: "Good morning, future",
      spoilerText: "weather",
      visibility: "unlisted",
      language: "en",
      scheduledAt: at,
    });
    assert.match(first.id, /^\d{18}$/);
    assert.equal(first.scheduledAt, at);
    assert.equal(first.params.text, "Good morning, future");
    assert.equal(first.params.spoilerText, "weather");
    assert.equal(first.params.visibility, "unlisted");
    assert.deepEqual(first.mediaAttachments, []);
    assert.equal((await statusesOf(alice)).length, 0);
    const jobs = await jobsOf(first.id);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.run_at, at);
    const res = await api(base(), "GET", `/api/v1/scheduled_statuses/${first.id}`, {
      token: alice.token,
    });
    assert.equal(res.status, 200);
    assert.equal(res.json.params.scheduled_at, null);
    assert.equal(res.json.params.language, "en");
    await validate("GET", `/api/v1/scheduled_statuses/${first.id}`, res);
  });

  it("stores a reply and a poll, and the author's default visibility", async () => {
    const parent = await asAlice.v1.statuses.create({ status: "thread start" });
    const res = await schedule(alice, {
      status: "a reply with a poll",
      in_reply_to_id: parent.id,
      poll: { options: ["yes", "no"], expires_in: 3600, multiple: true },
      scheduled_at: inMinutes(90),
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.params.in_reply_to_id, parent.id);
    assert.equal(res.json.params.visibility, "public");
    assert.deepEqual(res.json.params.poll, {
      options: ["yes", "no"],
      expires_in: 3600,
      multiple: true,
      hide_totals: false,
    });
    await validate("POST", "/api/v1/statuses", res);
    await asAlice.v1.scheduledStatuses.$select(res.json.id).remove();
  });

  it("refuses what Mastodon refuses, with 422, 404 and 401", async () => {
    const refused = async (body: Record<string, unknown>, status: number, error: RegExp) => {
      const res = await schedule(alice, body);
      assert.equal(res.status, status, JSON.stringify(res.json));
      assert.match(res.json.error, error);
      await validate("POST", "/api/v1/statuses", res);
    };
    const soon = /Scheduled at The scheduled date must be in the future/;
    await refused({ status: "x", scheduled_at: inMinutes(4) }, 422, soon);
    await refused({ status: "x", scheduled_at: "tomorrow" }, 422, /not a valid date/);
    await refused({ status: "x", scheduled_at: "2099-13-45T99:00:00Z" }, 422, /not a valid date/);
    await refused({ status: "  ", scheduled_at: inMinutes(60) }, 422, /Text can't be blank/);
    await refused(
      { status: "x", poll: { options: ["only"], expires_in: 600 }, scheduled_at: inMinutes(60) },
      422,
      /Poll options must have more than one item/,
    );
    await refused(
      { status: "x", language: "not a language", scheduled_at: inMinutes(60) },
      422,
      /Language/,
    );
    await refused(
      { status: "x", in_reply_to_id: "123456789012345678", scheduled_at: inMinutes(60) },
      404,
      /does not appear to exist/,
    );
    const anonymous = await api(base(), "POST", "/api/v1/statuses", {
      body: { status: "x", scheduled_at: inMinutes(60) },
    });
    assert.equal(anonymous.status, 401);
    assert.equal(
      await db()
        .selectFrom("scheduled_statuses")
        .select("id")
        .execute()
        .then((r) => r.length),
      1,
    );
  });

  it("posts at once when scheduled_at is already past, as Mastodon does", async () => {
    const res = await schedule(alice, {
      status: "late is now",
      scheduled_at: new Date(Date.now() - MINUTE).toISOString(),
    });
    assert.equal(res.status, 200);
    assert.equal(res.json.content, "<p>late is now</p>");
    await validate("POST", "/api/v1/statuses", res);
  });

  it("lists the viewer's scheduled statuses newest first, paged with Link headers", async () => {
    const asBob = createRestAPIClient({ url: base(), accessToken: bob.token });
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await asBob.v1.statuses.create({
        status: `bob ${i}`,
        scheduledAt: inMinutes(30 + i),
      });
      made.push(s.id);
    }
    const page1 = await api(base(), "GET", "/api/v1/scheduled_statuses?limit=2", {
      token: bob.token,
    });
    assert.equal(page1.status, 200);
    await validate("GET", "/api/v1/scheduled_statuses", page1, true);
    assert.deepEqual(
      page1.json.map((s: { id: string }) => s.id),
      [made[2], made[1]],
    );
    const next = linkPath(page1.headers, "next");
    assert.ok(next, page1.headers.get("link") ?? "no Link header");
    const page2 = await api(base(), "GET", next, { token: bob.token });
    assert.deepEqual(
      page2.json.map((s: { id: string }) => s.id),
      [made[0]],
    );
    // masto.js follows the same links; alice sees only her own.
    const all: string[] = [];
    for await (const batch of asBob.v1.scheduledStatuses.list({ limit: 2 }))
      all.push(...batch.map((s) => s.id));
    assert.deepEqual(all, [...made].reverse());
    const mine = await asAlice.v1.scheduledStatuses.list();
    assert.deepEqual(
      mine.map((s) => s.id),
      [first.id],
    );
    const bad = await api(base(), "GET", "/api/v1/scheduled_statuses?max_id=abc", {
      token: bob.token,
    });
    assert.equal(bad.status, 422);
    const anonymous = await api(base(), "GET", "/api/v1/scheduled_statuses");
    assert.equal(anonymous.status, 401);
    for (const id of made) await asBob.v1.scheduledStatuses.$select(id).remove();
  });

  it("moves a scheduled status with PUT, and its job with it", async () => {
    const at = inMinutes(120);
    const moved = await asAlice.v1.scheduledStatuses.$select(first.id).update({ scheduledAt: at });
    assert.equal(moved.scheduledAt, at);
    assert.equal(moved.params.text, "Good morning, future");
    const jobs = await jobsOf(first.id);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.run_at, at);
    const put = (id: string, body: unknown, user = alice) =>
      api(base(), "PUT", `/api/v1/scheduled_statuses/${id}`, { token: user.token, body });
    const ok = await put(first.id, { scheduled_at: inMinutes(121) });
    assert.equal(ok.status, 200);
    await validate("PUT", `/api/v1/scheduled_statuses/${first.id}`, ok);
    for (const [body, error] of [
      [{ scheduled_at: inMinutes(2) }, /must be in the future/],
      [{ scheduled_at: "soon" }, /not a valid date/],
      [{}, /scheduled_at/],
    ] as const) {
      const res = await put(first.id, body);
      assert.equal(res.status, 422, JSON.stringify(res.json));
      assert.match(res.json.error, error);
    }
    // Someone else's, or none: 404, and nothing moved.
    assert.equal((await put(first.id, { scheduled_at: inMinutes(200) }, bob)).status, 404);
    assert.equal((await put("1", { scheduled_at: inMinutes(200) })).status, 404);
    assert.equal((await put("x", { scheduled_at: inMinutes(200) })).status, 404);
    const other = await api(base(), "GET", `/api/v1/scheduled_statuses/${first.id}`, {
      token: bob.token,
    });
    assert.equal(other.status, 404);
    await validate("GET", `/api/v1/scheduled_statuses/${first.id}`, other);
  });

  it("cancels a scheduled status with DELETE, and its job with it", async () => {
    const s = await asAlice.v1.statuses.create({
      status: "never mind",
      scheduledAt: inMinutes(30),
    });
    const asBob = await api(base(), "DELETE", `/api/v1/scheduled_statuses/${s.id}`, {
      token: bob.token,
    });
    assert.equal(asBob.status, 404);
    await asAlice.v1.scheduledStatuses.$select(s.id).remove();
    assert.equal((await jobsOf(s.id)).length, 0);
    const gone = await api(base(), "GET", `/api/v1/scheduled_statuses/${s.id}`, {
      token: alice.token,
    });
    assert.equal(gone.status, 404);
    const again = await api(base(), "DELETE", `/api/v1/scheduled_statuses/${s.id}`, {
      token: alice.token,
    });
    assert.equal(again.status, 404);
  });

  it("posts it through the worker when its time comes, reply and poll included", async () => {
    const parent = await asAlice.v1.statuses.create({ status: "question thread" });
    const s = await asAlice.v1.statuses.create({
      status: "answer from the past",
      inReplyToId: parent.id,
      visibility: "private",
      poll: { options: ["a", "b"], expiresIn: 600 },
      scheduledAt: inMinutes(30),
    });
    // Time passes: the row and its job fall due.
    const past = new Date(Date.now() - 1000).toISOString();
    await db()
      .updateTable("scheduled_statuses")
      .set({ scheduled_at: past })
      .where("id", "=", s.id)
      .execute();
    await db()
      .updateTable("jobs")
      .set({ run_at: past })
      .where("dedupe_key", "=", `scheduled-status:${s.id}`)
      .execute();
    let posted: { id: string; in_reply_to_id: string | null; visibility: string } | undefined;
    for (let i = 0; i < 100 && !posted; i++) {
      posted = (await statusesOf(alice)).find((r) => r.text === "answer from the past");
      if (!posted) await sleep(100);
    }
    assert.ok(posted, "the worker did not post the scheduled status within 10 s");
    assert.equal(posted.in_reply_to_id, parent.id);
    assert.equal(posted.visibility, "private");
    const status = await asAlice.v1.statuses.$select(posted.id).fetch();
    assert.ok(status.poll);
    // The poll runs from when it was posted.
    const ends = Date.parse(status.poll.expiresAt ?? "") - Date.now();
    assert.ok(ends > 590_000 && ends <= 600_000, `poll ends in ${ends} ms`);
    assert.equal((await jobsOf(s.id)).length, 0);
    const gone = await api(base(), "GET", `/api/v1/scheduled_statuses/${s.id}`, {
      token: alice.token,
    });
    assert.equal(gone.status, 404);
  });

  it("posts once however often its job runs, even twice at once", async () => {
    const { ctx } = server().kith;
    const s = await asAlice.v1.statuses.create({ status: "only once", scheduledAt: inMinutes(45) });
    // Keep the worker out of it: the job is taken away, then run by hand as a worker would.
    await db().deleteFrom("jobs").where("dedupe_key", "=", `scheduled-status:${s.id}`).execute();
    const past = new Date(Date.now() - 1000).toISOString();
    await db()
      .updateTable("scheduled_statuses")
      .set({ scheduled_at: past })
      .where("id", "=", s.id)
      .execute();
    const payload = { scheduledStatusId: s.id };
    await Promise.all([
      publishScheduledStatusJob(ctx, payload),
      publishScheduledStatusJob(ctx, payload),
    ]);
    await publishScheduledStatusJob(ctx, payload);
    const posted = (await statusesOf(alice)).filter((r) => r.text === "only once");
    assert.equal(posted.length, 1);
  });

  it("answers a repeated Idempotency-Key with the same scheduled status", async () => {
    const body = { status: "said once", scheduled_at: inMinutes(50) };
    const first = await post(base(), alice, body, { "Idempotency-Key": "sched-1" });
    const again = await post(base(), alice, body, { "Idempotency-Key": "sched-1" });
    assert.equal(first.status, 200);
    assert.equal(again.json.id, first.json.id);
    assert.equal(first.json.params.idempotency, "sched-1");
    const other = await post(base(), alice, body, { "Idempotency-Key": "sched-2" });
    assert.notEqual(other.json.id, first.json.id);
    for (const id of [first.json.id, other.json.id])
      await asAlice.v1.scheduledStatuses.$select(id).remove();
  });

  it("still posts when the app it was scheduled from is gone", async () => {
    const { ctx } = server().kith;
    const s = await asAlice.v1.statuses.create({
      status: "orphaned app",
      scheduledAt: inMinutes(40),
    });
    await db().deleteFrom("jobs").where("dedupe_key", "=", `scheduled-status:${s.id}`).execute();
    const row = await db()
      .selectFrom("scheduled_statuses")
      .select("params")
      .where("id", "=", s.id)
      .executeTakeFirstOrThrow();
    const params = { ...JSON.parse(row.params), application_id: "999999999999999999" };
    await db()
      .updateTable("scheduled_statuses")
      .set({
        params: JSON.stringify(params),
        scheduled_at: new Date(Date.now() - 1000).toISOString(),
      })
      .where("id", "=", s.id)
      .execute();
    await publishScheduledStatusJob(ctx, { scheduledStatusId: s.id });
    const posted = (await statusesOf(alice)).filter((r) => r.text === "orphaned app");
    assert.equal(posted.length, 1);
    assert.equal(posted[0]!.application_id, null);
  });

  it("drops a reply whose parent was deleted before its time, as Mastodon does", async () => {
    const { ctx } = server().kith;
    const parent = await asAlice.v1.statuses.create({ status: "soon gone" });
    const s = await asAlice.v1.statuses.create({
      status: "reply to nothing",
      inReplyToId: parent.id,
      scheduledAt: inMinutes(40),
    });
    await asAlice.v1.statuses.$select(parent.id).remove();
    await db()
      .updateTable("scheduled_statuses")
      .set({ scheduled_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", s.id)
      .execute();
    await publishScheduledStatusJob(ctx, { scheduledStatusId: s.id });
    assert.equal((await statusesOf(alice)).filter((r) => r.text === "reply to nothing").length, 0);
    const row = await db()
      .selectFrom("scheduled_statuses")
      .select("id")
      .where("id", "=", s.id)
      .executeTakeFirst();
    assert.equal(row, undefined, "nothing is left to retry");
  });

  it("keeps Mastodon's limits: 25 scheduled for one day, 300 in all", async () => {
    const carol = await createUser(server().kith.ctx, { username: "carol" });
    // 24 on one day, through the database; the 25th through the API, then the 26th is refused.
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const row = (at: string) => ({
      id: newId(),
      account_id: carol.accountId,
      scheduled_at: at,
      params: JSON.stringify({ text: "filler", visibility: "public" }),
      created_at: new Date().toISOString(),
    });
    await db()
      .insertInto("scheduled_statuses")
      .values(
        Array.from({ length: 24 }, (_, i) =>
          row(`${day}T10:${String(i).padStart(2, "0")}:00.000Z`),
        ),
      )
      .execute();
    const ok = await schedule(carol, { status: "25th", scheduled_at: `${day}T23:59:00.000Z` });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    const over = await schedule(carol, { status: "26th", scheduled_at: `${day}T00:00:00.000Z` });
    assert.equal(over.status, 422);
    assert.equal(
      over.json.error,
      "Validation failed: You have exceeded the limit of 25 scheduled posts for today",
    );
    // Moving another day's status onto the full day is refused the same way.
    const nextDay = new Date(Date.parse(`${day}T12:00:00.000Z`) + 86_400_000).toISOString();
    const elsewhere = await schedule(carol, { status: "other day", scheduled_at: nextDay });
    assert.equal(elsewhere.status, 200);
    const move = await api(base(), "PUT", `/api/v1/scheduled_statuses/${elsewhere.json.id}`, {
      token: carol.token,
      body: { scheduled_at: `${day}T12:00:00.000Z` },
    });
    assert.equal(move.status, 422);
    // 300 in all, spread over many days.
    const start = Date.now() + 10 * 86_400_000;
    await db()
      .insertInto("scheduled_statuses")
      .values(
        Array.from({ length: 274 }, (_, i) => row(new Date(start + i * 86_400_000).toISOString())),
      )
      .execute();
    const total = await schedule(carol, { status: "301st", scheduled_at: inMinutes(60) });
    assert.equal(total.status, 422);
    assert.equal(
      total.json.error,
      "Validation failed: You have exceeded the limit of 300 scheduled posts",
    );
    await validate("POST", "/api/v1/statuses", total);
  });
});
