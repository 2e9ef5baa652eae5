// Streaming across processes on PostgreSQL: a client connected to `kith web` hears what a
// separate `kith worker` does. An inbound Create is accepted by the web process, processed by
// the worker (Fedify's queue runs only there), fanned out to the local follower's home feed
// and turned into a mention notification; both reach the client through LISTEN/NOTIFY.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openDatabase } from "../../src/db/database.ts";
import type { Context } from "../../src/domain/context.ts";
import { exitOf, spawnKith, waitForHttp } from "../helpers/cli.ts";
import {
  createThrowawayDatabase,
  POSTGRES_ADMIN_URL,
  POSTGRES_SKIP_REASON,
  TEST_ENV,
  type ThrowawayDatabase,
  testConfig,
} from "../helpers/databases.ts";
import { AS_CONTEXT, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { freePort } from "../helpers/server.ts";
import { openSse } from "../helpers/streaming.ts";
import { createUser } from "../helpers/users.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const skip = POSTGRES_ADMIN_URL ? false : POSTGRES_SKIP_REASON;

describe("streaming with kith web and kith worker on one PostgreSQL database", { skip }, () => {
  let database: ThrowawayDatabase;
  let fake: FakeFediverse;
  before(async () => {
    database = await createThrowawayDatabase("postgres");
    fake = await FakeFediverse.start();
  });
  after(async () => {
    await fake?.stop();
    await database?.drop();
  });

  it("a post received and processed by the worker reaches a client of the web process", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { ...TEST_ENV, ...database.env, PORT: String(port), KITH_ORIGIN: base };
    const web = spawnKith(["web"], env);
    const worker = spawnKith(["worker"], env);
    const db = await openDatabase({
      kind: "postgres",
      url: database.env.DATABASE_URL!,
      poolSize: 2,
    });
    try {
      await waitForHttp(`${base}/health`, 15_000);
      const ctx: Context = { config: testConfig(env), db };
      const bob = await createUser(ctx);
      const remote = await fake.actor(`${fake.origin}/users/zed`);
      await fake.followedBy(ctx, remote, bob.accountId);

      const user = await openSse(`${base}/api/v1/streaming/user`, bob.token);
      assert.equal(user.status, 200, user.body);
      const id = `${remote.id}/statuses/1`;
      const bobUri = `${base}/users/${bob.username}`;
      const response = await fake.post(remote, `${base}/inbox`, {
        "@context": AS_CONTEXT,
        id: `${id}/activity`,
        type: "Create",
        actor: remote.id,
        object: {
          id,
          type: "Note",
          attributedTo: remote.id,
          content: `<p>hello <a href="${bobUri}">@${bob.username}</a></p>`,
          to: [PUBLIC],
          cc: [bobUri],
          tag: [{ type: "Mention", href: bobUri, name: `@${bob.username}@127.0.0.1:${port}` }],
        },
      });
      assert.equal(response.status, 202);
      const update = await user.log.waitFor(
        (e) => e.event === "update" && JSON.parse(e.payload!).uri === id,
        "the remote post",
        30_000,
      );
      assert.match(JSON.parse(update.payload!).content, /hello/);
      const notification = await user.log.waitFor(
        (e) => e.event === "notification",
        "the mention notification",
        30_000,
      );
      assert.equal(JSON.parse(notification.payload!).type, "mention");
      // The web process never ran the job: the worker did.
      assert.doesNotMatch(web.output(), /Worker .* started/);
      user.close();
      web.kill("SIGTERM");
      worker.kill("SIGTERM");
      assert.equal(await exitOf(web), 0, web.output());
      assert.equal(await exitOf(worker), 0, worker.output());
    } finally {
      web.kill("SIGKILL");
      worker.kill("SIGKILL");
      await db.close();
    }
  });
});
