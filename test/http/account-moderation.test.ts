// What each moderation action does to what people see, on both databases: a warning is a
// `moderation_warning` notification with its AccountWarning; sensitive marks every status but
// to its author; a frozen login stops working; a limited account disappears from public
// timelines, search and notifications of non-followers while its followers still see it; a
// suspension hides the account's content everywhere until it is lifted (everything is back),
// and 30 days on the purge job deletes its data (a lifted suspension's job does nothing).
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { ACCOUNT_PURGE_QUEUE } from "../../src/domain/moderation/account-actions.ts";
import { accountPurgeJob } from "../../src/domain/moderation/purge.ts";
import { signIn } from "../../src/domain/oauth/sign-in.ts";
import { OPENAPI_SKIP_REASON, validateResponse } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

const STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"];

eachServer("account moderation effects", (server) => {
  let alice: TestUser; // follows nobody
  let bob: TestUser; // the moderated one
  let dave: TestUser; // follows bob
  let mod: TestUser;
  let bobStatus: string;
  const base = () => server().url;
  const ctx = () => server().kith.ctx;
  const call = (user: TestUser | null, method: string, path: string, body?: unknown) =>
    api(base(), method, path, { ...(user ? { token: user.token } : {}), body });
  const act = async (type: string, text?: string) => {
    const r = await call(mod, "POST", `/api/v1/admin/accounts/${bob.accountId}/action`, {
      type,
      ...(text ? { text } : {}),
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
  };
  const undo = async (action: string) => {
    const r = await call(mod, "POST", `/api/v1/admin/accounts/${bob.accountId}/${action}`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
  };
  const publicIds = async (user: TestUser | null) => {
    const r = await call(user, "GET", "/api/v1/timelines/public?limit=40");
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return (r.json as { id: string }[]).map((s) => s.id);
  };
  const foundAccounts = async (user: TestUser, q: string) => {
    const r = await call(user, "GET", `/api/v1/accounts/search?q=${q}`);
    assert.equal(r.status, 200);
    return (r.json as { id: string }[]).map((a) => a.id);
  };
  const mentionsFromBob = async (user: TestUser) => {
    const r = await call(user, "GET", "/api/v1/notifications?types[]=mention");
    return (r.json as { account: { id: string } }[]).filter((n) => n.account.id === bob.accountId)
      .length;
  };

  before(async () => {
    alice = await createUser(ctx(), { username: "alice" });
    bob = await createUser(ctx(), { username: "bobby" });
    dave = await createUser(ctx(), { username: "dave" });
    mod = await createUser(ctx(), { username: "moddy", role: "moderator", scopes: STAFF_SCOPES });
    const followed = await call(dave, "POST", `/api/v1/accounts/${bob.accountId}/follow`);
    assert.equal(followed.status, 200);
    const posted = await call(bob, "POST", "/api/v1/statuses", { status: "hello zebrafish" });
    assert.equal(posted.status, 200);
    bobStatus = posted.json.id;
  });

  it("tells a warned user with a moderation_warning notification", async () => {
    await act("none", "Please stop posting zebrafish.");
    const r = await call(bob, "GET", "/api/v1/notifications");
    assert.equal(r.status, 200);
    const warning = (r.json as { type: string; moderation_warning?: Record<string, unknown> }[])
      .filter((n) => n.type === "moderation_warning")
      .map((n) => n.moderation_warning!);
    assert.equal(warning.length, 1);
    assert.equal(warning[0]!.action, "none");
    assert.equal(warning[0]!.text, "Please stop posting zebrafish.");
    assert.equal((warning[0]!.target_account as { id: string }).id, bob.accountId);
    if (!OPENAPI_SKIP_REASON) {
      await validateResponse("GET", "/api/v1/notifications", 200, r.json);
      const grouped = await call(bob, "GET", "/api/v2/notifications");
      await validateResponse("GET", "/api/v2/notifications", 200, grouped.json, {
        allow: {
          "/notification_groups/*/most_recent_notification_id":
            "a string, as Mastodon's own client and masto.js read it (IDs exceed 2^53)",
        },
      });
      const group = grouped.json.notification_groups.find(
        (g: { type: string }) => g.type === "moderation_warning",
      );
      assert.equal(group?.moderation_warning?.text, "Please stop posting zebrafish.");
    }
    const others = await call(alice, "GET", "/api/v1/notifications");
    assert.ok(!others.json.some((n: { type: string }) => n.type === "moderation_warning"));
  });

  it("marks every status of a sensitized account sensitive, except to its author", async () => {
    const sensitive = async (user: TestUser) =>
      (await call(user, "GET", `/api/v1/statuses/${bobStatus}`)).json.sensitive;
    assert.equal(await sensitive(alice), false);
    await act("sensitive");
    assert.equal(await sensitive(alice), true);
    assert.equal(await sensitive(bob), false, "the author sees the status as posted");
    const inTimeline = await call(alice, "GET", "/api/v1/timelines/public");
    assert.equal(inTimeline.json.find((s: { id: string }) => s.id === bobStatus)?.sensitive, true);
    await undo("unsensitive");
    assert.equal(await sensitive(alice), false);
  });

  it("freezes a disabled login and thaws it", async () => {
    await act("disable");
    const frozen = await call(bob, "GET", "/api/v1/accounts/verify_credentials");
    assert.equal(frozen.status, 403);
    assert.match(frozen.json.error, /disabled/);
    await assert.rejects(
      signIn(ctx(), "bobby@example.test", "correct horse battery staple"),
      /disabled/,
      "no signing in again either",
    );
    assert.ok(
      (await publicIds(alice)).includes(bobStatus),
      "a frozen account's posts stay visible",
    );
    await undo("enable");
    assert.equal((await call(bob, "GET", "/api/v1/accounts/verify_credentials")).status, 200);
  });

  it("limits a silenced account to its followers", async () => {
    await act("silence");
    assert.ok(!(await publicIds(alice)).includes(bobStatus), "hidden from non-followers");
    assert.ok(!(await publicIds(null)).includes(bobStatus), "and from visitors");
    assert.ok((await publicIds(dave)).includes(bobStatus), "followers still see it");
    const direct = await call(alice, "GET", `/api/v1/statuses/${bobStatus}`);
    assert.equal(direct.status, 200, "the status itself can still be opened");
    assert.equal(direct.json.account.limited, true);

    assert.ok(!(await foundAccounts(alice, "bob")).includes(bob.accountId));
    assert.ok((await foundAccounts(dave, "bob")).includes(bob.accountId));
    assert.ok(
      (await foundAccounts(alice, "bobby")).includes(bob.accountId),
      "the exact handle still finds it",
    );
    const directory = await call(alice, "GET", "/api/v1/directory?local=true");
    assert.ok(!directory.json.some((a: { id: string }) => a.id === bob.accountId));

    const mention = await call(bob, "POST", "/api/v1/statuses", {
      status: "@alice @dave look at this zebrafish",
    });
    assert.equal(mention.status, 200);
    assert.equal(await mentionsFromBob(alice), 0, "a non-follower is not notified");
    assert.equal(await mentionsFromBob(dave), 1, "a follower is");

    await undo("unsilence");
    assert.ok((await publicIds(alice)).includes(bobStatus));
    assert.ok((await foundAccounts(alice, "bob")).includes(bob.accountId));
    // The held-back mention waits as a notification request (alice's notification policy
    // filters limited accounts, as Mastodon's default); new ones come through.
    assert.equal(await mentionsFromBob(alice), 0);
    await call(bob, "POST", "/api/v1/statuses", { status: "@alice free again" });
    assert.equal(await mentionsFromBob(alice), 1, "an unsilenced account notifies again");
  });

  it("hides a suspended account everywhere, and restores everything when lifted", async () => {
    const reply = await call(alice, "POST", "/api/v1/statuses", {
      status: "@bobby nice zebrafish",
      in_reply_to_id: bobStatus,
    });
    assert.equal(reply.status, 200);
    const fav = await call(alice, "POST", `/api/v1/statuses/${bobStatus}/favourite`);
    assert.equal(fav.status, 200);
    // What the suspension is to hide, seen before it.
    const searchFor = async (user: TestUser) =>
      (await call(user, "GET", "/api/v2/search?q=zebrafish&type=statuses")).json.statuses.map(
        (s: { id: string }) => s.id,
      );
    assert.ok((await searchFor(alice)).includes(bobStatus));
    const profile = async () =>
      (await fetch(`${base()}/@bobby`, { headers: { Accept: "text/html" } })).text();
    assert.match(await profile(), /zebrafish/);
    const thread = await call(alice, "GET", `/api/v1/statuses/${reply.json.id}/context`);
    assert.equal(thread.json.ancestors.length, 1);
    await act("suspend", "Gone for a while.");

    const account = await call(alice, "GET", `/api/v1/accounts/${bob.accountId}`);
    assert.equal(account.status, 200);
    assert.equal(account.json.suspended, true);
    assert.equal(account.json.display_name, "");
    assert.equal(account.json.statuses_count, 0);
    assert.equal((await call(alice, "GET", `/api/v1/statuses/${bobStatus}`)).status, 404);
    const statuses = await call(alice, "GET", `/api/v1/accounts/${bob.accountId}/statuses`);
    assert.deepEqual(statuses.json, []);
    assert.ok(!(await publicIds(alice)).includes(bobStatus));
    assert.ok(!(await publicIds(dave)).includes(bobStatus), "followers see nothing either");
    const home = await call(dave, "GET", "/api/v1/timelines/home");
    assert.ok(!home.json.some((s: { account: { id: string } }) => s.account.id === bob.accountId));
    const context = await call(alice, "GET", `/api/v1/statuses/${reply.json.id}/context`);
    assert.deepEqual(context.json.ancestors, [], "not in threads");
    assert.ok(!(await foundAccounts(dave, "bobby")).includes(bob.accountId));
    assert.ok(!(await searchFor(alice)).includes(bobStatus));
    assert.equal(await mentionsFromBob(dave), 0, "nor in notifications");
    const login = await call(bob, "GET", "/api/v1/accounts/verify_credentials");
    assert.equal(login.status, 403);
    assert.doesNotMatch(await profile(), /zebrafish/, "the profile page shows no posts");

    await undo("unsuspend");
    const back = await call(alice, "GET", `/api/v1/accounts/${bob.accountId}`);
    assert.equal(back.json.suspended, undefined);
    assert.ok(back.json.statuses_count > 0);
    const status = await call(alice, "GET", `/api/v1/statuses/${bobStatus}`);
    assert.equal(status.status, 200);
    assert.equal(status.json.favourites_count, 1, "favourites kept");
    assert.ok((await publicIds(alice)).includes(bobStatus));
    assert.equal(await mentionsFromBob(dave), 1);
    const follows = await call(dave, "GET", `/api/v1/accounts/relationships?id[]=${bob.accountId}`);
    assert.equal(follows.json[0].following, true, "follows kept");
    assert.equal((await call(bob, "GET", "/api/v1/accounts/verify_credentials")).status, 200);
    // The suspension's own warning is there for its owner once they can read it.
    const notes = await call(bob, "GET", "/api/v1/notifications?types[]=moderation_warning");
    assert.ok(
      notes.json.some(
        (n: { moderation_warning: { action: string; text: string } }) =>
          n.moderation_warning.action === "suspend" &&
          n.moderation_warning.text === "Gone for a while.",
      ),
    );
    const jobs = await ctx()
      .db.kysely.selectFrom("jobs")
      .select("id")
      .where("queue", "=", ACCOUNT_PURGE_QUEUE)
      .execute();
    assert.deepEqual(jobs, [], "lifting the suspension calls the purge off");
  });

  it("purges a suspension's data 30 days on, and not a lifted suspension's", async () => {
    const { kysely } = ctx().db;
    await act("suspend");
    const job = await kysely
      .selectFrom("jobs")
      .selectAll()
      .where("queue", "=", ACCOUNT_PURGE_QUEUE)
      .executeTakeFirstOrThrow();
    const days = (Date.parse(job.run_at) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `due in 30 days, not ${days}`);
    const payload = JSON.parse(job.payload);

    // A job for an earlier suspension changes nothing.
    await accountPurgeJob(ctx(), { ...payload, suspendedAt: "2020-01-01T00:00:00.000Z" });
    const kept = await kysely
      .selectFrom("statuses")
      .select("id")
      .where("account_id", "=", bob.accountId)
      .execute();
    assert.ok(kept.length > 0);

    // Thirty days pass: the worker takes the job.
    await kysely
      .updateTable("jobs")
      .set({ run_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", job.id)
      .execute();
    ctx().db.wakeups.wake(ACCOUNT_PURGE_QUEUE);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const left = await kysely
        .selectFrom("jobs")
        .select("id")
        .where("id", "=", job.id)
        .executeTakeFirst();
      if (!left) break;
      assert.ok(Date.now() < deadline, "the purge job ran");
      await new Promise((r) => setTimeout(r, 100));
    }
    const statuses = await kysely
      .selectFrom("statuses")
      .select("id")
      .where("account_id", "=", bob.accountId)
      .execute();
    assert.deepEqual(statuses, []);
    const user = await kysely
      .selectFrom("users")
      .select("id")
      .where("account_id", "=", bob.accountId)
      .executeTakeFirst();
    assert.equal(user, undefined, "the login is gone");
    const follows = await kysely
      .selectFrom("follows")
      .select("id")
      .where("target_account_id", "=", bob.accountId)
      .execute();
    assert.deepEqual(follows, []);
    const account = await call(mod, "GET", `/api/v1/admin/accounts/${bob.accountId}`);
    assert.equal(account.json.suspended, true, "the name stays taken, suspended");
    assert.equal(account.json.account.display_name, "");
    const actor = await fetch(`${base()}/users/bobby`, {
      headers: { Accept: "application/activity+json" },
    });
    assert.equal(actor.status, 410);
    const restore = await call(mod, "POST", `/api/v1/admin/accounts/${bob.accountId}/unsuspend`);
    assert.equal(restore.status, 409, "too late to restore");
    const audit = await call(
      mod,
      "GET",
      `/api/v1/admin/audit_log?target_id=${bob.accountId}&limit=1`,
    );
    assert.equal(audit.json[0].action, "account.purge");
    assert.equal(audit.json[0].account, null, "done by Kith itself");
  });
});
