// Creating notifications: who is not notified (self, remote recipients, blocks, mutes, muted
// threads) and how group keys are chosen (Mastodon's hour buckets that stretch up to 12 hours).
import assert from "node:assert/strict";
import { it } from "node:test";
import { newId } from "../../../src/db/ids.ts";
import type { Context } from "../../../src/domain/context.ts";
import { notify } from "../../../src/domain/notifications/notify.ts";
import { eachDatabase } from "../../helpers/databases.ts";
import { createUser } from "../../helpers/users.ts";
import { blockAccount, createRemoteAccount, muteAccount } from "../../http/accounts-fixtures.ts";

const HOUR = 3_600_000;

async function insertStatus(ctx: Context, accountId: string, reblogOf: string | null = null) {
  const id = newId();
  const now = new Date().toISOString();
  await ctx.db.kysely
    .insertInto("statuses")
    .values({
      id,
      uri: `https://kith.test/statuses/${id}`,
      url: null,
      account_id: accountId,
      local: 1,
      in_reply_to_id: null,
      in_reply_to_account_id: null,
      in_reply_to_uri: null,
      reblog_of_id: reblogOf,
      thread_id: id,
      visibility: "public",
      language: null,
      application_id: null,
      created_at: now,
      edited_at: null,
      updated_at: now,
    })
    .execute();
  return id;
}

async function keyOf(ctx: Context, id: string | null) {
  assert.ok(id, "a notification was created");
  const row = await ctx.db.kysely
    .selectFrom("notifications")
    .select("group_key")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return row.group_key;
}

eachDatabase("notify", (fixture) => {
  it("skips self, remote recipients, blocks either way, mutes and muted threads", async () => {
    const { ctx } = fixture();
    const alice = await createUser(ctx);
    const bob = await createUser(ctx);
    const base = { type: "follow" as const, recipientId: alice.accountId };
    assert.equal(await notify(ctx, { ...base, fromAccountId: alice.accountId }), null);
    const remote = await createRemoteAccount(ctx, "far", "remote.example");
    assert.equal(
      await notify(ctx, { type: "follow", recipientId: remote, fromAccountId: bob.accountId }),
      null,
    );

    await blockAccount(ctx, bob.accountId, alice.accountId);
    assert.equal(await notify(ctx, { ...base, fromAccountId: bob.accountId }), null);
    await ctx.db.kysely.deleteFrom("blocks").execute();
    await muteAccount(ctx, alice.accountId, bob.accountId, false);
    assert.ok(await notify(ctx, { ...base, fromAccountId: bob.accountId }), "mute keeping them");
    await ctx.db.kysely.updateTable("mutes").set({ hide_notifications: 1 }).execute();
    assert.equal(await notify(ctx, { ...base, fromAccountId: bob.accountId }), null);
    await ctx.db.kysely.deleteFrom("mutes").execute();

    const status = await insertStatus(ctx, alice.accountId);
    await ctx.db.kysely
      .insertInto("conversation_mutes")
      .values({ account_id: alice.accountId, thread_id: status })
      .execute();
    const favourite = {
      type: "favourite" as const,
      recipientId: alice.accountId,
      statusId: status,
    };
    assert.equal(await notify(ctx, { ...favourite, fromAccountId: bob.accountId }), null);
    // A follow is not about the thread.
    assert.ok(await notify(ctx, { ...base, fromAccountId: bob.accountId }));
  });

  it("groups favourites and reblogs per status and follows together, by hour bucket", async () => {
    const { ctx } = fixture();
    const alice = await createUser(ctx);
    const [bob, carol] = [await createUser(ctx), await createUser(ctx)];
    const first = await insertStatus(ctx, alice.accountId);
    const second = await insertStatus(ctx, alice.accountId);
    const fav = (from: string, statusId: string) =>
      notify(ctx, {
        type: "favourite",
        recipientId: alice.accountId,
        fromAccountId: from,
        statusId,
      });
    const k1 = await keyOf(ctx, await fav(bob.accountId, first));
    const k2 = await keyOf(ctx, await fav(carol.accountId, first));
    const k3 = await keyOf(ctx, await fav(bob.accountId, second));
    assert.equal(k1, k2);
    assert.notEqual(k1, k3);
    assert.match(k1, new RegExp(`^favourite-${first}-\\d+$`));

    // A reblog groups by the original even when given the reblog itself.
    const reblogRow = await insertStatus(ctx, bob.accountId, first);
    const reblogKey = await keyOf(
      ctx,
      await notify(ctx, {
        type: "reblog",
        recipientId: alice.accountId,
        fromAccountId: bob.accountId,
        statusId: reblogRow,
      }),
    );
    assert.match(reblogKey, new RegExp(`^reblog-${first}-\\d+$`));

    const mention = await notify(ctx, {
      type: "mention",
      recipientId: alice.accountId,
      fromAccountId: bob.accountId,
      statusId: second,
    });
    assert.equal(await keyOf(ctx, mention), `ungrouped-${mention}`);
  });

  it("keeps a recent group going for up to 12 hours, then starts a new one", async () => {
    const { ctx } = fixture();
    const alice = await createUser(ctx);
    const bob = await createUser(ctx);
    const bucket = Math.floor(Date.now() / HOUR);
    const seed = async (groupKey: string) => {
      const id = newId(Date.now() - HOUR);
      await ctx.db.kysely
        .insertInto("notifications")
        .values({
          id,
          account_id: alice.accountId,
          from_account_id: bob.accountId,
          type: "follow",
          status_id: null,
          report_id: null,
          group_key: groupKey,
          created_at: new Date(Date.now() - HOUR).toISOString(),
        })
        .execute();
    };
    const follow = async () =>
      keyOf(
        ctx,
        await notify(ctx, {
          type: "follow",
          recipientId: alice.accountId,
          fromAccountId: bob.accountId,
        }),
      );

    await seed(`follow-${bucket - 5}`);
    assert.equal(await follow(), `follow-${bucket - 5}`, "a 5-hour-old group is still open");
    await ctx.db.kysely.deleteFrom("notifications").execute();
    await seed(`follow-${bucket - 12}`);
    assert.equal(await follow(), `follow-${bucket}`, "a 12-hour-old group is closed");
  });
});
