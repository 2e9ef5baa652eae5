// Two real Kith instances in this process, federating over loopback HTTP (development mode
// allows it): a picture with alt text posted on one is seen on the other, through masto.js on
// both sides, with its alt text, blurhash and focal point. Once on SQLite, once on PostgreSQL.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createRestAPIClient, type mastodon } from "masto";
import { POSTGRES_ADMIN_URL, POSTGRES_SKIP_REASON } from "../helpers/databases.ts";
import { blob, sidewaysJpegWithGps } from "../helpers/media.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { createUser } from "../helpers/users.ts";

async function eventually<T>(what: string, check: () => Promise<T>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
  describe(`media between two instances [${kind}]`, { skip }, () => {
    let a: TestServer;
    let b: TestServer;
    let alice: mastodon.rest.Client;
    let bob: mastodon.rest.Client;
    let aliceUri: string;

    before(async () => {
      a = await startTestServer(kind);
      b = await startTestServer(kind);
      const aliceUser = await createUser(a.kith.ctx, { username: "alice" });
      const bobUser = await createUser(b.kith.ctx, { username: "bob" });
      alice = createRestAPIClient({ url: a.url, accessToken: aliceUser.token });
      bob = createRestAPIClient({ url: b.url, accessToken: bobUser.token });
      aliceUri = `${a.url}/users/alice`;
    });
    after(async () => {
      await b?.stop();
      await a?.stop();
    });

    it("shows a picture posted on one instance, with its alt text, on the other", async () => {
      const found = await bob.v2.search.list({ q: aliceUri, resolve: true, type: "accounts" });
      const remoteAlice = found.accounts[0];
      assert.ok(remoteAlice, "bob's instance found alice");
      await bob.v1.accounts.$select(remoteAlice.id).follow();
      await eventually("the follow to be accepted", async () => {
        const [relationship] = await bob.v1.accounts.relationships.fetch({ id: [remoteAlice.id] });
        return relationship?.following;
      });

      const media = await alice.v2.media.create({
        file: blob(await sidewaysJpegWithGps(300, 150), "image/jpeg"),
        description: "A flag, red on the right and blue on the left",
        focus: "-0.5,0.5",
      });
      const posted = await alice.v1.statuses.create({
        status: "Our new flag",
        mediaIds: [media.id],
        visibility: "public",
      });

      const seen = await eventually("the post to reach bob's home", async () => {
        const home = await bob.v1.timelines.home.list();
        return home.find((s) => s.uri === posted.uri);
      });
      const [attachment] = seen.mediaAttachments;
      assert.ok(attachment);
      assert.equal(attachment.type, "image");
      assert.equal(attachment.description, "A flag, red on the right and blue on the left");
      assert.equal(attachment.remoteUrl, media.url);
      assert.equal(attachment.url, media.url, "linked to where alice's instance serves it");
      assert.equal(attachment.blurhash, media.blurhash);
      assert.deepEqual(attachment.meta?.focus, { x: -0.5, y: 0.5 });
      assert.equal(attachment.meta?.original?.width, 150);
      assert.equal(attachment.meta?.original?.height, 300);
      const file = await fetch(attachment.url!);
      assert.equal(file.status, 200);
      assert.equal(file.headers.get("content-type"), "image/jpeg");
    });
  });
}
