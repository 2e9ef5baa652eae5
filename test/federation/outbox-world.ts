// The cast of the outbound federation tests: three fake remote servers and two local users.
//   r1 (shared inbox): bob, carol — followers of alice — and grace
//   r2 (shared inbox): dave and erin — not followers
//   r3 (no shared inbox): frank — a follower of alice — and henry
//   local: alice (the sender), lee (a local follower of alice)
import { sql } from "kysely";
import { newId } from "../../src/db/ids.ts";
import type { Context } from "../../src/domain/context.ts";
import { type RecordingInbox, startRecordingInbox } from "../helpers/recording-inbox.ts";
import type { TestServer } from "../helpers/server.ts";
import { createUser, type TestUser } from "../helpers/users.ts";

export interface World {
  base: string;
  ctx: Context;
  r1: RecordingInbox;
  r2: RecordingInbox;
  r3: RecordingInbox;
  all: RecordingInbox[];
  alice: TestUser;
  lee: TestUser;
  /** alice's actor and followers collection */
  aliceUri: string;
  aliceFollowers: string;
  /** the inboxes alice's followers are reached at: r1's shared inbox and frank's own */
  followerInboxes: string[];
  close(): Promise<void>;
}

/** A follows row as if the follow had come in long ago (no events, no deliveries). */
export async function insertFollow(ctx: Context, followerId: string, targetId: string) {
  await ctx.db.kysely
    .insertInto("follows")
    .values({
      id: newId(),
      account_id: followerId,
      target_account_id: targetId,
      languages: null,
      uri: null,
      created_at: new Date().toISOString(),
    })
    .execute();
  await ctx.db.kysely
    .updateTable("accounts")
    .set({ followers_count: sql`followers_count + 1` })
    .where("id", "=", targetId)
    .execute();
}

/** A public status by a remote account, as the inbound side would have stored it. */
export async function insertRemoteStatus(ctx: Context, accountId: string, uri: string) {
  const id = newId();
  const now = new Date().toISOString();
  await ctx.db.kysely
    .insertInto("statuses")
    .values({
      id,
      uri,
      url: uri,
      account_id: accountId,
      local: 0,
      in_reply_to_id: null,
      in_reply_to_account_id: null,
      in_reply_to_uri: null,
      reblog_of_id: null,
      thread_id: id,
      content: "<p>Hello from afar</p>",
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

export async function setUpWorld(server: TestServer): Promise<World> {
  const { ctx } = server.kith;
  const base = server.url;
  const r1 = await startRecordingInbox({ domain: "r1.test", users: ["bob", "carol", "grace"] });
  const r2 = await startRecordingInbox({ domain: "r2.test", users: ["dave", "erin"] });
  const r3 = await startRecordingInbox({
    domain: "r3.test",
    users: ["frank", "henry"],
    sharedInbox: false,
  });
  for (const r of [r1, r2, r3]) await r.addToKith(ctx);
  const alice = await createUser(ctx, { username: "alice" });
  const lee = await createUser(ctx, { username: "lee" });
  for (const follower of [r1.user("bob"), r1.user("carol"), r3.user("frank")])
    await insertFollow(ctx, follower.accountId, alice.accountId);
  await insertFollow(ctx, lee.accountId, alice.accountId);
  const aliceUri = `${base}/users/${alice.username}`;
  return {
    base,
    ctx,
    r1,
    r2,
    r3,
    all: [r1, r2, r3],
    alice,
    lee,
    aliceUri,
    aliceFollowers: `${aliceUri}/followers`,
    followerInboxes: [`${r1.origin}/inbox`, r3.user("frank").inbox].sort(),
    async close() {
      for (const r of [r1, r2, r3]) await r.close();
    },
  };
}

export const inboxesOf = (deliveries: { inbox: string }[]) => deliveries.map((d) => d.inbox).sort();
