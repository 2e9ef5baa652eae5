// Media over federation, on both databases: a local post's attachments go out as Mastodon's
// Documents (mediaType, url, name as alt text, blurhash, focalPoint, size), in deliveries and
// in the Note served to fetches; a remote note's attachments are stored as links to their
// server and shown with their alt text, blurhash and focal point; an edit of the alt text
// comes through.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, it } from "node:test";
import sharp from "sharp";
import { createDomainBlock, deleteDomainBlock } from "../../src/domain/moderation/domain-blocks.ts";
import { AS_CONTEXT, type FakeActor, FakeFediverse } from "../helpers/fake-fediverse.ts";
import { png, sidewaysJpegWithGps, uploadForm } from "../helpers/media.ts";
import { deliveriesOf, list } from "../helpers/recording-inbox.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { setUpWorld, type World } from "./outbox-world.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const MASTODON_CONTEXT = [
  ...AS_CONTEXT,
  {
    blurhash: "toot:blurhash",
    focalPoint: { "@container": "@list", "@id": "toot:focalPoint" },
  },
];

eachServer("media over federation", (server) => {
  let w: World;
  let fake: FakeFediverse;
  let zed: FakeActor;
  let reader: TestUser;
  before(async () => {
    w = await setUpWorld(server());
    fake = await FakeFediverse.start();
    zed = await fake.actor(`${fake.origin}/users/zed`);
    reader = await createUser(server().kith.ctx, { username: "reader" });
    await fake.followedBy(server().kith.ctx, zed, reader.accountId);
  });
  after(async () => {
    await w.close();
    await fake.stop();
  });

  /** zed's Create of `note`, delivered; the status as the reader's API then shows it. */
  const receiveNote = async (note: { id: string; to: string[]; cc: string[] }) => {
    await fake.post(zed, `${w.base}/inbox`, {
      "@context": MASTODON_CONTEXT,
      id: `${note.id}/activity`,
      type: "Create",
      actor: zed.id,
      to: note.to,
      cc: note.cc,
      object: note,
    });
    const row = await fake.waitFor(() =>
      server()
        .kith.ctx.db.kysely.selectFrom("statuses")
        .select("id")
        .where("uri", "=", note.id)
        .executeTakeFirst(),
    );
    return api(w.base, "GET", `/api/v1/statuses/${row.id}`, { token: reader.token });
  };

  it("sends attachments as Documents with alt text, blurhash and focal point", async () => {
    const upload = await uploadForm(`${w.base}/api/v2/media`, w.alice.token, {
      file: { data: await sidewaysJpegWithGps(), name: "flag.jpg", type: "image/jpeg" },
      description: "A red and blue flag",
      focus: "0.25,-0.5",
    });
    assert.equal(upload.status, 200);
    const posted = await api(w.base, "POST", "/api/v1/statuses", {
      token: w.alice.token,
      body: { status: "Look", media_ids: [upload.json.id], visibility: "public" },
    });
    assert.equal(posted.status, 200);
    const [delivery] = await deliveriesOf(w.all, `${posted.json.uri}/activity`, 2);
    const check = (note: Record<string, unknown>) => {
      const [doc] = list(note.attachment) as Record<string, unknown>[];
      assert.deepEqual(doc, {
        type: "Document",
        mediaType: "image/jpeg",
        url: upload.json.url,
        name: "A red and blue flag",
        blurhash: upload.json.blurhash,
        focalPoint: [0.25, -0.5],
        width: 100,
        height: 200,
      });
    };
    check(delivery!.activity.object);
    // Fetched, the Note says the same.
    const fetched = await fetch(posted.json.uri, {
      headers: { Accept: "application/activity+json" },
    });
    assert.equal(fetched.status, 200);
    check((await fetched.json()) as Record<string, unknown>);
  });

  it("stores a remote note's attachments as links, with alt text, blurhash and focus", async () => {
    const id = `${zed.id}/statuses/${Date.now()}`;
    const picture = `${fake.origin}/files/cat.png`;
    const note = {
      id,
      type: "Note",
      attributedTo: zed.id,
      content: "<p>my cat</p>",
      published: new Date().toISOString(),
      to: [PUBLIC],
      cc: [zed.followers],
      attachment: [
        {
          type: "Document",
          mediaType: "image/png",
          url: picture,
          name: "A grey cat asleep",
          blurhash: "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH",
          focalPoint: [0.5, 0.25],
          width: 640,
          height: 480,
        },
        { type: "Video", url: `${fake.origin}/files/clip.mp4`, name: "" },
        { type: "Link", href: `${fake.origin}/about.html` },
      ],
    };
    const status = await receiveNote(note);
    assert.equal(status.status, 200);
    const [image, video] = status.json.media_attachments;
    assert.equal(status.json.media_attachments.length, 2);
    assert.equal(image.type, "image");
    assert.equal(image.url, picture);
    assert.equal(image.remote_url, picture);
    assert.equal(image.description, "A grey cat asleep");
    assert.equal(image.blurhash, "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH");
    assert.deepEqual(image.meta.focus, { x: 0.5, y: 0.25 });
    assert.equal(image.meta.original.width, 640);
    assert.equal(video.type, "video");
    assert.equal(video.description, null);
    assert.match(status.json.content, /about\.html/, "a plain link stays a link");
    assert.doesNotMatch(status.json.content, /cat\.png/, "media is not repeated as a link");

    // The author edits the alt text.
    const edited = {
      ...note,
      updated: new Date(Date.now() + 1000).toISOString(),
      attachment: [{ ...note.attachment[0], name: "A grey cat, now awake" }],
    };
    await fake.post(zed, `${w.base}/inbox`, {
      "@context": MASTODON_CONTEXT,
      id: `${id}#updates/1`,
      type: "Update",
      actor: zed.id,
      to: note.to,
      cc: note.cc,
      object: edited,
    });
    const after = await fake.waitFor(async () => {
      const r = await api(w.base, "GET", `/api/v1/statuses/${status.json.id}`, {
        token: reader.token,
      });
      // Two reads (the row, then its media): wait until both show the edit.
      return r.json.media_attachments.length === 1 && r.json.edited_at ? r.json : null;
    });
    assert.equal(after.media_attachments[0].description, "A grey cat, now awake");
  });

  it("keeps only a link to media from a server whose media the instance rejects", async () => {
    const ctx = server().kith.ctx;
    const block = await createDomainBlock(ctx, { accountId: null }, new URL(fake.origin).hostname, {
      severity: "noop",
      rejectMedia: true,
    });
    try {
      const id = `${zed.id}/statuses/rejected-${Date.now()}`;
      const picture = `${fake.origin}/files/dog.png`;
      const note = {
        id,
        type: "Note",
        attributedTo: zed.id,
        content: "<p>my dog</p>",
        published: new Date().toISOString(),
        to: [PUBLIC],
        cc: [zed.followers],
        attachment: [
          {
            type: "Document",
            mediaType: "image/png",
            url: picture,
            name: "A dog",
            blurhash: "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH",
            width: 640,
            height: 480,
          },
        ],
      };
      const status = await receiveNote(note);
      const [media] = status.json.media_attachments;
      assert.equal(media.type, "unknown", "the post arrives, its picture only as a link");
      assert.equal(media.remote_url, picture);
      assert.equal(media.blurhash, null);
    } finally {
      await deleteDomainBlock(ctx, { accountId: null }, block.id);
    }
  });

  it("keeps a local avatar as the actor's icon", async () => {
    const updated = await uploadForm(
      `${w.base}/api/v1/accounts/update_credentials`,
      w.alice.token,
      { avatar: { data: await png(600, 600), name: "me.png", type: "image/png" } },
      "PATCH",
    );
    assert.equal(updated.status, 200);
    const actor = await fetch(`${w.base}/users/alice`, {
      headers: { Accept: "application/activity+json" },
    });
    const json = (await actor.json()) as { icon: { url: string; mediaType: string } };
    assert.equal(json.icon.url, updated.json.avatar);
    assert.equal(json.icon.mediaType, "image/png");
  });
});

eachServer(
  "remote media cached here (KITH_REMOTE_MEDIA=cache)",
  (server) => {
    let fake: FakeFediverse;
    let zed: FakeActor;
    let reader: TestUser;
    let files: Server;
    let filesOrigin: string;
    let requests = 0;
    before(async () => {
      const picture = await sidewaysJpegWithGps(400, 200);
      files = createServer((req, res) => {
        requests++;
        if (req.url === "/cat.jpg")
          res.writeHead(200, { "Content-Type": "image/jpeg" }).end(picture);
        else res.writeHead(200, { "Content-Type": "image/png" }).end("not a picture at all");
      });
      await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
      filesOrigin = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
      fake = await FakeFediverse.start();
      zed = await fake.actor(`${fake.origin}/users/zed`);
      reader = await createUser(server().kith.ctx, { username: "reader" });
      await fake.followedBy(server().kith.ctx, zed, reader.accountId);
    });
    after(async () => {
      await fake.stop();
      files.close();
    });

    it("keeps a processed copy, and leaves what it cannot use a link", async () => {
      const id = `${zed.id}/statuses/${Date.now()}`;
      const note = {
        id,
        type: "Note",
        attributedTo: zed.id,
        content: "<p>cached</p>",
        published: new Date().toISOString(),
        to: [PUBLIC],
        cc: [zed.followers],
        attachment: [
          { type: "Image", mediaType: "image/jpeg", url: `${filesOrigin}/cat.jpg`, name: "cat" },
          { type: "Image", mediaType: "image/png", url: `${filesOrigin}/fake.png`, name: "fake" },
        ],
      };
      await fake.post(zed, `${server().url}/inbox`, {
        "@context": MASTODON_CONTEXT,
        id: `${id}/activity`,
        type: "Create",
        actor: zed.id,
        to: note.to,
        cc: note.cc,
        object: note,
      });
      const { kysely } = server().kith.ctx.db;
      const row = await fake.waitFor(() =>
        kysely.selectFrom("statuses").select("id").where("uri", "=", id).executeTakeFirst(),
      );
      await fake.waitFor(async () => requests >= 2);
      const status = await fake.waitFor(async () => {
        const r = await api(server().url, "GET", `/api/v1/statuses/${row.id}`, {
          token: reader.token,
        });
        return r.json.media_attachments[0]?.url?.startsWith(server().url) ? r.json : null;
      });
      const [cached, refused] = status.media_attachments;
      assert.equal(cached.remote_url, `${filesOrigin}/cat.jpg`);
      assert.equal(cached.description, "cat");
      assert.deepEqual(cached.meta.original, {
        width: 200,
        height: 400,
        size: "200x400",
        aspect: 0.5,
      });
      const copy = await fetch(cached.url);
      assert.equal(copy.status, 200);
      assert.equal((await sharp(Buffer.from(await copy.arrayBuffer())).metadata()).exif, undefined);
      // Give the second job time to finish: it stays a link to the original.
      await new Promise((r) => setTimeout(r, 500));
      const again = await api(server().url, "GET", `/api/v1/statuses/${row.id}`, {
        token: reader.token,
      });
      assert.equal(again.json.media_attachments[1].url, `${filesOrigin}/fake.png`);
      assert.equal(refused.remote_url, `${filesOrigin}/fake.png`);
    });
  },
  { env: { KITH_REMOTE_MEDIA: "cache" } },
);
