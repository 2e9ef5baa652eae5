// Fan-out decisions below the HTTP layer: small audiences are written at once, large ones are
// handed to the job queue, and the job writes the same rows.
import assert from "node:assert/strict";
import { it } from "node:test";
import { newId } from "../../src/db/ids.ts";
import {
  distributeStatus,
  FAN_OUT_INLINE_LIMIT,
  FAN_OUT_QUEUE,
  fanOutJob,
} from "../../src/domain/timelines/home-feed.ts";
import { insertAccount, insertFollow, insertStatus } from "../domain/visibility-fixtures.ts";
import { eachDatabase } from "../helpers/databases.ts";

eachDatabase("home feed fan-out", (fixture) => {
  const feedCount = async (statusId: string) => {
    const row = await fixture()
      .ctx.db.kysely.selectFrom("home_feed")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("status_id", "=", statusId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  it("writes small audiences at once", async () => {
    const { ctx } = fixture();
    const author = await insertAccount(ctx, "small");
    const reader = await insertAccount(ctx, "reader");
    const remote = await insertAccount(ctx, "remote", { domain: "remote.example" });
    await insertFollow(ctx, reader, author);
    await insertFollow(ctx, remote, author);
    const status = await insertStatus(ctx, author, "private");
    await distributeStatus(ctx, status);
    assert.equal(await feedCount(status), 1, "the local follower only, not the remote one");
    const jobs = await ctx.db.kysely.selectFrom("jobs").selectAll().execute();
    assert.equal(jobs.length, 0);
  });

  it("queues large audiences and the job fans out", async () => {
    const { ctx } = fixture();
    const author = await insertAccount(ctx, "big");
    const now = new Date().toISOString();
    const followers: {
      id: string;
      account_id: string;
      target_account_id: string;
      languages: null;
      uri: null;
      created_at: string;
    }[] = [];
    for (let i = 0; i <= FAN_OUT_INLINE_LIMIT; i++) {
      const id = await insertAccount(ctx, `f${i}`);
      followers.push({
        id: newId(),
        account_id: id,
        target_account_id: author,
        languages: null,
        uri: null,
        created_at: now,
      });
    }
    await ctx.db.kysely.insertInto("follows").values(followers).execute();
    const status = await insertStatus(ctx, author, "public");
    await distributeStatus(ctx, status);
    assert.equal(await feedCount(status), 0, "nothing written inline");
    const job = await ctx.db.kysely
      .selectFrom("jobs")
      .selectAll()
      .where("queue", "=", FAN_OUT_QUEUE)
      .executeTakeFirstOrThrow();
    await fanOutJob(ctx, JSON.parse(job.payload));
    assert.equal(await feedCount(status), FAN_OUT_INLINE_LIMIT + 1);
  });
});
