// Notifications through the API (v1): what arrives, filtering, paging, dismissing, unread
// counts against the marker, and what is hidden when reading (blocks, mutes, suspended
// senders, statuses the reader can no longer see), on both databases.
import assert from "node:assert/strict";
import { it } from "node:test";
import { newId } from "../../src/db/ids.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { blockAccount, links, muteAccount, setAccount } from "./accounts-fixtures.ts";
import { notificationScene, postStatus as postStatus_, types } from "./notifications-fixtures.ts";

eachServer("notifications API", (server) => {
  const ctx = () => server().kith.ctx;
  const get = (user: TestUser, path: string) =>
    api(server().url, "GET", path, { token: user.token });
  const postStatus = (user: TestUser, body: Record<string, unknown>) =>
    postStatus_(server().url, user, body);
  const scene = () => notificationScene(server().url, ctx());

  it("lists notifications newest first with their accounts and statuses", async () => {
    const { alice, bob, carol, mention, own } = await scene();
    const res = await get(alice, "/api/v1/notifications");
    assert.equal(res.status, 200);
    assert.deepEqual(types(res), [
      "reblog",
      "favourite",
      "favourite",
      "mention",
      "follow",
      "follow",
    ]);
    const [reblog, fav2, fav1, men, follow2, follow1] = res.json;
    assert.equal(reblog.account.id, bob.accountId);
    assert.equal(reblog.status.id, own.id, "a reblog notification shows the original");
    assert.equal(fav2.account.id, carol.accountId);
    assert.equal(fav1.status.id, own.id);
    assert.equal(men.status.id, mention.id);
    assert.equal(men.group_key, `ungrouped-${men.id}`);
    assert.equal(follow1.account.id, bob.accountId);
    assert.equal(follow1.status, undefined);
    assert.equal(follow1.group_key, follow2.group_key, "follows share a group");
    assert.match(follow1.group_key, /^follow-\d+$/);
    assert.equal(fav1.group_key, fav2.group_key);
    assert.match(fav1.group_key, new RegExp(`^favourite-${own.id}-\\d+$`));
    assert.match(reblog.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const one = await get(alice, `/api/v1/notifications/${men.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.json.id, men.id);
    assert.equal(one.json.status.id, mention.id);
    assert.equal((await get(bob, `/api/v1/notifications/${men.id}`)).status, 404, "not yours");
    assert.equal((await get(alice, "/api/v1/notifications/999999999999999999")).status, 404);
    const garbage = await get(alice, "/api/v1/notifications/garbage");
    assert.equal(garbage.status, 404);
    assert.deepEqual(garbage.json, { error: "Record not found" });
  });

  it("filters by type, excluded type and sender, and pages with Link headers", async () => {
    const { alice, carol } = await scene();
    assert.deepEqual(types(await get(alice, "/api/v1/notifications?types[]=mention")), ["mention"]);
    assert.deepEqual(
      types(await get(alice, "/api/v1/notifications?types[]=follow&types[]=reblog&types[]=bogus")),
      ["reblog", "follow", "follow"],
    );
    assert.deepEqual(
      types(
        await get(alice, "/api/v1/notifications?exclude_types[]=follow&exclude_types[]=favourite"),
      ),
      ["reblog", "mention"],
    );
    assert.deepEqual(types(await get(alice, "/api/v1/notifications?types[]=bogus")), []);
    const fromCarol = await get(alice, `/api/v1/notifications?account_id=${carol.accountId}`);
    assert.deepEqual(types(fromCarol), ["favourite", "follow"]);
    assert.deepEqual((await get(alice, "/api/v1/notifications?account_id=nope")).json, []);

    const page1 = await get(alice, "/api/v1/notifications?limit=4&exclude_types[]=mention");
    assert.deepEqual(types(page1), ["reblog", "favourite", "favourite", "follow"]);
    const l1 = links(page1.headers);
    assert.equal(l1.next!.searchParams.get("max_id"), page1.json[3].id);
    assert.deepEqual(l1.next!.searchParams.getAll("exclude_types[]"), ["mention"]);
    const page2 = await get(alice, `${l1.next!.pathname}${l1.next!.search}`);
    assert.deepEqual(types(page2), ["follow"]);
    assert.equal(links(page2.headers).next, undefined);
    const prev = links(page2.headers).prev!;
    const back = await get(alice, `${prev.pathname}${prev.search}`);
    assert.deepEqual(
      back.json.map((n: { id: string }) => n.id),
      page1.json.map((n: { id: string }) => n.id),
    );
    const since = await get(alice, `/api/v1/notifications?since_id=${page1.json[1].id}`);
    assert.deepEqual(types(since), ["reblog"]);
    assert.equal((await get(alice, "/api/v1/notifications?max_id=nope")).status, 422);
  });

  it("hides notifications from blocked, muted and suspended accounts when reading", async () => {
    const { alice, bob, carol } = await scene();
    await blockAccount(ctx(), alice.accountId, carol.accountId);
    const afterBlock = await get(alice, "/api/v1/notifications");
    assert.ok(
      afterBlock.json.every((n: { account: { id: string } }) => n.account.id !== carol.accountId),
    );
    assert.equal(afterBlock.json.length, 4);
    await ctx().db.kysely.deleteFrom("blocks").execute();
    assert.equal((await get(alice, "/api/v1/notifications")).json.length, 6);

    // A mute that keeps notifications keeps them; one that hides them hides them.
    await muteAccount(ctx(), alice.accountId, bob.accountId, false);
    assert.equal((await get(alice, "/api/v1/notifications")).json.length, 6);
    await ctx().db.kysely.updateTable("mutes").set({ hide_notifications: 1 }).execute();
    assert.deepEqual(types(await get(alice, "/api/v1/notifications")), ["favourite", "follow"]);
    await ctx().db.kysely.deleteFrom("mutes").execute();

    await setAccount(ctx(), carol.accountId, { suspended_at: new Date().toISOString() });
    const afterSuspension = await get(alice, "/api/v1/notifications");
    assert.equal(afterSuspension.json.length, 4);
    const v2 = await get(alice, "/api/v2/notifications");
    assert.ok(!JSON.stringify(v2.json).includes(carol.accountId));
  });

  it("drops notifications about deleted statuses and statuses the reader may not see", async () => {
    const { url } = server();
    const alice = await createUser(ctx());
    const bob = await createUser(ctx());
    const mention = await postStatus(bob, { status: `hi @${alice.username}` });
    assert.deepEqual(types(await get(alice, "/api/v1/notifications")), ["mention"]);
    const deleted = await api(url, "DELETE", `/api/v1/statuses/${mention.id}`, {
      token: bob.token,
    });
    assert.equal(deleted.status, 200);
    assert.deepEqual((await get(alice, "/api/v1/notifications")).json, []);

    // A notification pointing at a direct status that does not address alice never shows.
    const secret = await postStatus(bob, { status: "for nobody", visibility: "direct" });
    const id = newId();
    await ctx()
      .db.kysely.insertInto("notifications")
      .values({
        id,
        account_id: alice.accountId,
        from_account_id: bob.accountId,
        type: "mention",
        status_id: secret.id,
        report_id: null,
        group_key: `ungrouped-${id}`,
        created_at: new Date().toISOString(),
      })
      .execute();
    assert.deepEqual((await get(alice, "/api/v1/notifications")).json, []);
    assert.equal((await get(alice, `/api/v1/notifications/${id}`)).status, 404);
    assert.deepEqual((await get(alice, "/api/v2/notifications")).json.notification_groups, []);
    assert.equal((await get(alice, "/api/v1/notifications/unread_count")).json.count, 0);

    // A followers-only post mentioning alice is hers to see.
    const privateMention = await postStatus(bob, {
      status: `psst @${alice.username}`,
      visibility: "private",
    });
    const listed = await get(alice, "/api/v1/notifications");
    assert.deepEqual(
      listed.json.map((n: { status: { id: string } }) => n.status.id),
      [privateMention.id],
    );
  });

  it("dismisses one, clears all, and needs the write scope for it", async () => {
    const { url } = server();
    const { alice } = await scene();
    const [first, second] = (await get(alice, "/api/v1/notifications")).json;
    const readOnly = await createUser(ctx(), { scopes: ["read"] });
    const token = readOnly.token;
    assert.equal(
      (await api(url, "POST", `/api/v1/notifications/${first.id}/dismiss`, { token })).status,
      403,
    );
    assert.equal((await api(url, "POST", "/api/v1/notifications/clear", { token })).status, 403);
    const statusesOnly = await createUser(ctx(), { scopes: ["read:statuses"] });
    assert.equal((await get(statusesOnly, "/api/v1/notifications")).status, 403);
    assert.equal((await api(url, "GET", "/api/v1/notifications")).status, 401);

    const dismissed = await api(url, "POST", `/api/v1/notifications/${first.id}/dismiss`, {
      token: alice.token,
    });
    assert.equal(dismissed.status, 200);
    assert.deepEqual(dismissed.json, {});
    assert.equal((await get(alice, `/api/v1/notifications/${first.id}`)).status, 404);
    const again = await api(url, "POST", `/api/v1/notifications/${first.id}/dismiss`, {
      token: alice.token,
    });
    assert.equal(again.status, 404);
    // The legacy form with the id as a parameter.
    const legacy = await api(url, "POST", "/api/v1/notifications/dismiss", {
      token: alice.token,
      form: { id: second.id },
    });
    assert.equal(legacy.status, 200);
    assert.equal((await get(alice, "/api/v1/notifications")).json.length, 4);

    const cleared = await api(url, "POST", "/api/v1/notifications/clear", { token: alice.token });
    assert.equal(cleared.status, 200);
    assert.deepEqual((await get(alice, "/api/v1/notifications")).json, []);
  });

  it("counts unread notifications and groups from the marker", async () => {
    const { alice } = await scene();
    const all = (await get(alice, "/api/v1/notifications")).json;
    assert.deepEqual((await get(alice, "/api/v1/notifications/unread_count")).json, { count: 6 });
    // Groups: the reblog, the favourites, the mention, the follows.
    assert.deepEqual((await get(alice, "/api/v2/notifications/unread_count")).json, { count: 4 });
    assert.equal((await get(alice, "/api/v1/notifications/unread_count?limit=2")).json.count, 2);
    assert.equal(
      (await get(alice, "/api/v1/notifications/unread_count?types[]=favourite")).json.count,
      2,
    );
    assert.equal(
      (await get(alice, "/api/v2/notifications/unread_count?grouped_types[]=favourite")).json.count,
      5,
    );
    assert.equal((await get(alice, "/api/v1/notifications/unread_count?limit=x")).status, 422);

    // The marker says the mention (4th newest) was read.
    await ctx()
      .db.kysely.insertInto("markers")
      .values({
        account_id: alice.accountId,
        timeline: "notifications",
        last_read_id: all[3].id,
        updated_at: new Date().toISOString(),
      })
      .execute();
    assert.deepEqual((await get(alice, "/api/v1/notifications/unread_count")).json, { count: 3 });
    assert.deepEqual((await get(alice, "/api/v2/notifications/unread_count")).json, { count: 2 });
    await ctx()
      .db.kysely.updateTable("markers")
      .set({ last_read_id: all[0].id })
      .where("account_id", "=", alice.accountId)
      .execute();
    assert.deepEqual((await get(alice, "/api/v1/notifications/unread_count")).json, { count: 0 });
  });
});
