// Grouped notifications (v2) through the API: groups with their side-loaded accounts and
// statuses, filters, partial accounts, one group, its senders, dismissing, and paging by group
// both ways, on both databases.
import assert from "node:assert/strict";
import { it } from "node:test";
import { eachServer } from "../helpers/server.ts";
import { api, type TestUser } from "../helpers/users.ts";
import { links } from "./accounts-fixtures.ts";
import { notificationScene, types } from "./notifications-fixtures.ts";

eachServer("notifications API (grouped)", (server) => {
  const ctx = () => server().kith.ctx;
  const get = (user: TestUser, path: string) =>
    api(server().url, "GET", path, { token: user.token });
  const scene = () => notificationScene(server().url, ctx());

  it("groups notifications in v2, with side-loaded accounts and statuses", async () => {
    const { alice, bob, carol, mention, own } = await scene();
    const res = await get(alice, "/api/v2/notifications");
    assert.equal(res.status, 200);
    const { notification_groups: groups, accounts, statuses } = res.json;
    assert.deepEqual(
      groups.map((g: { type: string; notifications_count: number }) => [
        g.type,
        g.notifications_count,
      ]),
      [
        ["reblog", 1],
        ["favourite", 2],
        ["mention", 1],
        ["follow", 2],
      ],
    );
    const [reblog, favs, men, follows] = groups;
    assert.deepEqual(favs.sample_account_ids, [carol.accountId, bob.accountId]);
    assert.equal(favs.status_id, own.id);
    assert.equal(reblog.status_id, own.id);
    assert.equal(men.status_id, mention.id);
    assert.match(men.group_key, /^ungrouped-\d+$/);
    assert.equal(follows.status_id, undefined);
    assert.deepEqual(follows.sample_account_ids, [carol.accountId, bob.accountId]);
    assert.equal(typeof favs.most_recent_notification_id, "string");
    assert.equal(favs.page_max_id, favs.most_recent_notification_id);
    assert.ok(favs.page_min_id < favs.page_max_id);
    assert.ok(favs.latest_page_notification_at);
    assert.deepEqual(
      accounts.map((a: { id: string }) => a.id).sort(),
      [bob.accountId, carol.accountId].sort(),
    );
    assert.deepEqual(statuses.map((s: { id: string }) => s.id).sort(), [own.id, mention.id].sort());
    assert.equal(res.json.partial_accounts, undefined);

    const ungroupedFollows = await get(alice, "/api/v2/notifications?grouped_types[]=favourite");
    assert.deepEqual(
      ungroupedFollows.json.notification_groups.map((g: { type: string }) => g.type),
      ["reblog", "favourite", "mention", "follow", "follow"],
    );
    const onlyFollows = await get(alice, "/api/v2/notifications?types[]=follow");
    assert.equal(onlyFollows.json.notification_groups.length, 1);
    const excluded = await get(
      alice,
      "/api/v2/notifications?exclude_types[]=follow&exclude_types[]=reblog",
    );
    assert.deepEqual(
      excluded.json.notification_groups.map((g: { type: string }) => g.type),
      ["favourite", "mention"],
    );

    const partial = await get(alice, "/api/v2/notifications?expand_accounts=partial_avatars");
    assert.equal(partial.status, 200);
    assert.deepEqual(
      partial.json.accounts.map((a: { id: string }) => a.id),
      [bob.accountId, carol.accountId],
    );
    assert.deepEqual(partial.json.partial_accounts, []);
    const bad = await get(alice, "/api/v2/notifications?expand_accounts=everything");
    assert.equal(bad.status, 400);

    const one = await get(alice, `/api/v2/notifications/${favs.group_key}`);
    assert.equal(one.status, 200);
    assert.equal(one.json.notification_groups.length, 1);
    assert.equal(one.json.notification_groups[0].notifications_count, 2);
    assert.equal(one.json.notification_groups[0].page_min_id, undefined);
    const single = await get(alice, `/api/v2/notifications/${men.group_key}`);
    assert.equal(single.json.notification_groups[0].type, "mention");
    assert.equal((await get(alice, "/api/v2/notifications/follow-1")).status, 404);
    assert.equal((await get(alice, "/api/v2/notifications/ungrouped-123")).status, 404);
    assert.equal((await get(bob, `/api/v2/notifications/${favs.group_key}`)).status, 404);

    const senders = await get(alice, `/api/v2/notifications/${follows.group_key}/accounts`);
    assert.deepEqual(
      senders.json.map((a: { id: string }) => a.id),
      [carol.accountId, bob.accountId],
    );
    const firstSender = await get(
      alice,
      `/api/v2/notifications/${follows.group_key}/accounts?limit=1`,
    );
    assert.deepEqual(
      firstSender.json.map((a: { id: string }) => a.id),
      [carol.accountId],
    );
    const next = links(firstSender.headers).next!;
    const secondSender = await get(alice, `${next.pathname}${next.search}`);
    assert.deepEqual(
      secondSender.json.map((a: { id: string }) => a.id),
      [bob.accountId],
    );

    const dismissed = await api(
      server().url,
      "POST",
      `/api/v2/notifications/${favs.group_key}/dismiss`,
      {
        token: alice.token,
      },
    );
    assert.equal(dismissed.status, 200);
    assert.deepEqual(
      (await get(alice, "/api/v2/notifications")).json.notification_groups.map(
        (g: { type: string }) => g.type,
      ),
      ["reblog", "mention", "follow"],
    );
    assert.deepEqual(types(await get(alice, "/api/v1/notifications?types[]=favourite")), []);
  });

  it("pages v2 groups by their newest notification, both ways", async () => {
    const { alice } = await scene();
    const page1 = await get(alice, "/api/v2/notifications?limit=2");
    const keys = (res: { json: { notification_groups: { type: string }[] } }) =>
      res.json.notification_groups.map((g) => g.type);
    assert.deepEqual(keys(page1), ["reblog", "favourite"]);
    const l1 = links(page1.headers);
    const page2 = await get(alice, `${l1.next!.pathname}${l1.next!.search}`);
    assert.deepEqual(
      keys(page2),
      ["favourite", "mention"],
      "the older favourite reappears below the cursor",
    );
    // Counted up to the page's newest notification: only the older favourite.
    assert.equal(page2.json.notification_groups[0].notifications_count, 1);
    const l2 = links(page2.headers);
    const page3 = await get(alice, `${l2.next!.pathname}${l2.next!.search}`);
    assert.deepEqual(keys(page3), ["follow"]);
    assert.equal(page3.json.notification_groups[0].notifications_count, 2);
    assert.equal(links(page3.headers).next, undefined);
    const prev = links(page3.headers).prev!;
    const back = await get(alice, `${prev.pathname}${prev.search}`);
    assert.deepEqual(keys(back), ["favourite", "mention"]);
    const top = await get(
      alice,
      `/api/v2/notifications?min_id=${page1.json.notification_groups[1].page_max_id}`,
    );
    assert.deepEqual(keys(top), ["reblog"]);
  });
});
