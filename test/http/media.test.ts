// Media uploads through masto.js and plain HTTP: processing (orientation, metadata stripped,
// scaling, preview, blurhash), the asynchronous v2 path, serving, refusals that store nothing,
// descriptions and focal points, ownership, attaching to statuses and edits, and the removal
// of media nobody attached.
import assert from "node:assert/strict";
import { request } from "node:http";
import { before, it } from "node:test";
import { isBlurhashValid } from "blurhash";
import { createRestAPIClient, type mastodon } from "masto";
import sharp from "sharp";
import { removeUnattachedMedia } from "../../src/domain/media/jobs.ts";
import { publishScheduledStatusJob } from "../../src/domain/statuses/scheduled-jobs.ts";
import {
  blob,
  countFiles,
  noisyJpeg,
  png,
  sidewaysJpegWithGps,
  uploadForm,
} from "../helpers/media.ts";
import { OPENAPI_SKIP_REASON, validateEntity } from "../helpers/openapi.ts";
import { eachServer } from "../helpers/server.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";

eachServer("media attachments", (server) => {
  let alice: TestUser;
  let bob: TestUser;
  let masto: mastodon.rest.Client;
  const ctx = () => server().kith.ctx;
  const mediaDir = () => ctx().config.media.dir;
  const mediaRows = async () =>
    Number(
      (
        await ctx()
          .db.kysely.selectFrom("media_attachments")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  before(async () => {
    alice = await createUser(ctx());
    bob = await createUser(ctx());
    masto = createRestAPIClient({ url: server().url, accessToken: alice.token });
  });

  it("uploads an image with alt text: upright, metadata gone, preview and blurhash", async () => {
    const original = await sidewaysJpegWithGps(200, 100);
    assert.ok((await sharp(original).metadata()).exif, "the test image carries EXIF");
    const media = await masto.v2.media.create({
      file: blob(original, "image/jpeg"),
      description: "A red and blue flag",
      focus: "0.5,-0.25",
    });
    assert.equal(media.type, "image");
    assert.equal(media.description, "A red and blue flag");
    // 4×4 components, as Mastodon computes them: 36 characters.
    assert.equal(media.blurhash?.length, 36);
    assert.ok(isBlurhashValid(media.blurhash ?? "").result, "a valid blurhash");
    // Orientation 6 turned the 200×100 stored pixels upright: 100 wide, 200 high.
    assert.deepEqual(media.meta?.original, {
      width: 100,
      height: 200,
      size: "100x200",
      aspect: 0.5,
    });
    assert.deepEqual(media.meta?.focus, { x: 0.5, y: -0.25 });
    assert.ok(media.meta?.small);
    assert.ok(media.url && media.previewUrl);
    if (!OPENAPI_SKIP_REASON) {
      const raw = await api(server().url, "GET", `/api/v1/media/${media.id}`, {
        token: alice.token,
      });
      await validateEntity("MediaAttachment", raw.json);
    }

    const served = await fetch(media.url);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get("content-type"), "image/jpeg");
    assert.equal(served.headers.get("x-content-type-options"), "nosniff");
    assert.match(served.headers.get("cache-control") ?? "", /immutable/);
    const etag = served.headers.get("etag");
    assert.ok(etag && served.headers.get("last-modified"));
    const bytes = Buffer.from(await served.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    assert.equal(meta.exif, undefined, "EXIF (with GPS) is stripped");
    assert.equal(meta.xmp, undefined);
    assert.equal(meta.orientation, undefined);
    assert.equal(meta.width, 100);
    assert.equal(meta.height, 200);
    // The upright image has blue on top (the stored left half turned clockwise).
    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    assert.ok(data[2]! > 150 && data[0]! < 100, "top-left pixel is blue");

    const again = await fetch(media.url, { headers: { "If-None-Match": etag } });
    assert.equal(again.status, 304);
    const part = await fetch(media.url, { headers: { Range: "bytes=0-9" } });
    assert.equal(part.status, 206);
    assert.equal((await part.arrayBuffer()).byteLength, 10);

    const preview = await fetch(media.previewUrl!);
    assert.equal(preview.status, 200);
    const previewMeta = await sharp(Buffer.from(await preview.arrayBuffer())).metadata();
    assert.equal(previewMeta.exif, undefined);
  });

  it("processes a large image in the background: 202, then 206, then 200 scaled down", async () => {
    const big = await noisyJpeg(4000, 2500);
    const posted = await uploadForm(`${server().url}/api/v2/media`, alice.token, {
      file: { data: big, name: "big.jpg", type: "image/jpeg" },
    });
    assert.equal(posted.status, 202);
    assert.equal(posted.json.url, null);
    let status = 206;
    // biome-ignore lint/suspicious/noExplicitAny: the entity is read field by field
    let json: any;
    for (let i = 0; i < 100 && status === 206; i++) {
      ({ status, json } = await api(server().url, "GET", `/api/v1/media/${posted.json.id}`, {
        token: alice.token,
      }));
      if (status === 206) {
        assert.equal(json.url, null);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.equal(status, 200);
    const { width, height } = json.meta.original;
    assert.ok(width * height <= 8_294_400, `${width}x${height} within the pixel limit`);
    assert.ok(Math.abs(width / height - 1.6) < 0.01, "aspect kept");
    assert.ok(json.meta.small.width * json.meta.small.height <= 230_400);
    // masto.js waits for processing the same way.
    const viaMasto = await masto.v2.media.create({
      file: blob(big, "image/jpeg"),
    });
    assert.ok(viaMasto.url);
    const noIncoming = countFiles(`${mediaDir()}/incoming`);
    assert.equal(noIncoming, 0, "the raw uploads are gone once processed");
  });

  it("refuses oversized, corrupt and unsupported files and stores nothing", async () => {
    const rowsBefore = await mediaRows();
    const filesBefore = countFiles(mediaDir());
    const jpeg = await sidewaysJpegWithGps();
    const cases = [
      // A JPEG start and 17 MB more: over the 16 MB image limit.
      {
        data: Buffer.concat([jpeg, Buffer.alloc(17 * 1024 * 1024)]),
        name: "big.jpg",
        type: "image/jpeg",
      },
      { data: jpeg.subarray(0, 300), name: "cut.jpg", type: "image/jpeg" },
      {
        data: Buffer.from("just some words, not a picture"),
        name: "words.jpg",
        type: "image/jpeg",
      },
      {
        data: Buffer.from("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"),
        name: "doc.png",
        type: "image/png",
      },
    ];
    for (const file of cases) {
      for (const version of ["v1", "v2"]) {
        const res = await uploadForm(`${server().url}/api/${version}/media`, alice.token, { file });
        assert.equal(res.status, 422, `${file.name} via ${version}: ${JSON.stringify(res.json)}`);
        assert.equal(typeof res.json.error, "string");
      }
    }
    const tooLong = await uploadForm(`${server().url}/api/v2/media`, alice.token, {
      file: { data: await png(10, 10), name: "a.png", type: "image/png" },
      description: "x".repeat(1501),
    });
    assert.equal(tooLong.status, 422);
    const badFocus = await uploadForm(`${server().url}/api/v2/media`, alice.token, {
      file: { data: await png(10, 10), name: "a.png", type: "image/png" },
      focus: "2,0",
    });
    assert.equal(badFocus.status, 422);
    assert.equal(await mediaRows(), rowsBefore, "no rows");
    assert.equal(countFiles(mediaDir()), filesBefore, "no files");
  });

  it("goes by the content, not the name or declared type", async () => {
    // A PNG called clip.mp4 and sent as video/mp4 is an image.
    const res = await uploadForm(`${server().url}/api/v1/media`, alice.token, {
      file: { data: await png(30, 20), name: "clip.mp4", type: "video/mp4" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.json.type, "image");
    assert.match(res.json.url, /\.png$/);
    assert.doesNotMatch(res.json.url, /clip/);
    // A WAV file named like a picture is audio, stored as uploaded.
    const wav = Buffer.alloc(44 + 800);
    wav.write("RIFF", 0);
    wav.writeUInt32LE(36 + 800, 4);
    wav.write("WAVEfmt ", 8);
    wav.writeUInt32LE(16, 16);
    wav.writeUInt16LE(1, 20);
    wav.writeUInt16LE(1, 22);
    wav.writeUInt32LE(8000, 24);
    wav.writeUInt32LE(8000, 28);
    wav.writeUInt16LE(1, 32);
    wav.writeUInt16LE(8, 34);
    wav.write("data", 36);
    wav.writeUInt32LE(800, 40);
    const audio = await uploadForm(`${server().url}/api/v2/media`, alice.token, {
      file: { data: wav, name: "photo.jpg", type: "image/jpeg" },
      thumbnail: { data: await png(64, 64), name: "cover.png", type: "image/png" },
    });
    assert.equal(audio.status, 200, JSON.stringify(audio.json));
    assert.equal(audio.json.type, "audio");
    assert.match(audio.json.url, /\.wav$/);
    assert.ok(audio.json.preview_url && audio.json.blurhash, "the thumbnail is its preview");
    const served = await fetch(audio.json.url);
    assert.equal(served.headers.get("content-type"), "audio/wav");
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), wav);
  });

  it("changes description and focus; only the owner sees or changes media", async () => {
    const media = await masto.v2.media.create({ file: blob(await png(40, 40)) });
    const updated = await masto.v1.media.$select(media.id).update({
      description: "new words",
      focus: "-0.5,0.5",
    });
    assert.equal(updated.description, "new words");
    assert.deepEqual(updated.meta?.focus, { x: -0.5, y: 0.5 });
    for (const [method, body] of [
      ["GET", undefined],
      ["PUT", { description: "mine now" }],
      ["DELETE", undefined],
    ] as const) {
      const res = await api(server().url, method, `/api/v1/media/${media.id}`, {
        token: bob.token,
        ...(body ? { body } : {}),
      });
      assert.equal(res.status, 404, `${method} by someone else`);
    }
    const fetched = await masto.v1.media.$select(media.id).fetch();
    assert.equal(fetched.description, "new words");
    const gone = await api(server().url, "DELETE", `/api/v1/media/${media.id}`, {
      token: alice.token,
    });
    assert.equal(gone.status, 200);
    const after = await api(server().url, "GET", `/api/v1/media/${media.id}`, {
      token: alice.token,
    });
    assert.equal(after.status, 404);
  });

  it("attaches media to a status, renders it, and edits descriptions and the list", async () => {
    const first = await masto.v2.media.create({
      file: blob(await sidewaysJpegWithGps()),
      description: "first picture",
    });
    const second = await masto.v2.media.create({ file: blob(await png(50, 20)) });
    // Media alone is enough: the text may be empty.
    const status = await masto.v1.statuses.create({
      status: "",
      mediaIds: [second.id, first.id],
    });
    assert.deepEqual(
      status.mediaAttachments.map((m) => m.id),
      [second.id, first.id],
    );
    assert.equal(status.mediaAttachments[1]?.description, "first picture");
    if (!OPENAPI_SKIP_REASON) {
      const raw = await api(server().url, "GET", `/api/v1/statuses/${status.id}`, {
        token: alice.token,
      });
      await validateEntity("Status", raw.json);
    }
    // Attached media cannot be deleted, attached again, or refocused.
    const del = await api(server().url, "DELETE", `/api/v1/media/${first.id}`, {
      token: alice.token,
    });
    assert.equal(del.status, 422);
    const reuse = await api(server().url, "POST", "/api/v1/statuses", {
      token: alice.token,
      body: { status: "again", media_ids: [first.id] },
    });
    assert.equal(reuse.status, 422);
    const refocus = await api(server().url, "PUT", `/api/v1/media/${first.id}`, {
      token: alice.token,
      body: { focus: "0,0" },
    });
    assert.equal(refocus.status, 422);

    const edited = await api(server().url, "PUT", `/api/v1/statuses/${status.id}`, {
      token: alice.token,
      body: {
        status: "now with words",
        media_ids: [first.id],
        media_attributes: [{ id: first.id, description: "edited alt text", focus: "0.1,0.2" }],
      },
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.json));
    assert.deepEqual(
      edited.json.media_attachments.map((m: { id: string }) => m.id),
      [first.id],
    );
    assert.equal(edited.json.media_attachments[0].description, "edited alt text");
    assert.deepEqual(edited.json.media_attachments[0].meta.focus, { x: 0.1, y: 0.2 });
    // An edit that only changes alt text is an edit too.
    const altOnly = await api(server().url, "PUT", `/api/v1/statuses/${status.id}`, {
      token: alice.token,
      body: { media_attributes: [{ id: first.id, description: "third words" }] },
    });
    assert.equal(altOnly.json.media_attachments[0].description, "third words");
    assert.notEqual(altOnly.json.edited_at, null);
    // The history shows each version's media with the alt text it had then.
    const history = await api(server().url, "GET", `/api/v1/statuses/${status.id}/history`, {
      token: alice.token,
    });
    assert.deepEqual(
      history.json.map((v: { media_attachments: { id: string; description: string | null }[] }) =>
        v.media_attachments.map((m) => [m.id, m.description]),
      ),
      [
        [
          [second.id, null],
          [first.id, "first picture"],
        ],
        [[first.id, "edited alt text"]],
        [[first.id, "third words"]],
      ],
    );
    // The removed one is unattached again and may be deleted.
    const delSecond = await api(server().url, "DELETE", `/api/v1/media/${second.id}`, {
      token: alice.token,
    });
    assert.equal(delSecond.status, 200);
  });

  it("refuses media ids that are not the author's, too many, or with a poll", async () => {
    const bobs = await uploadForm(`${server().url}/api/v1/media`, bob.token, {
      file: { data: await png(10, 10), name: "b.png", type: "image/png" },
    });
    const notMine = await api(server().url, "POST", "/api/v1/statuses", {
      token: alice.token,
      body: { status: "stolen", media_ids: [bobs.json.id] },
    });
    assert.equal(notMine.status, 422);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await masto.v2.media.create({ file: blob(await png(10 + i, 10)) })).id);
    }
    const five = await api(server().url, "POST", "/api/v1/statuses", {
      token: alice.token,
      body: { status: "five", media_ids: ids },
    });
    assert.equal(five.status, 422);
    const withPoll = await api(server().url, "POST", "/api/v1/statuses", {
      token: alice.token,
      body: {
        status: "poll",
        media_ids: [ids[0]],
        poll: { options: ["a", "b"], expires_in: 3600 },
      },
    });
    assert.equal(withPoll.status, 422);
    const ok = await api(server().url, "POST", "/api/v1/statuses", {
      token: alice.token,
      body: { status: "four", media_ids: ids.slice(0, 4) },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.media_attachments.length, 4);
  });

  it("removes media nobody attached within a day, with its files", async () => {
    const loose = await masto.v2.media.create({ file: blob(await png(12, 12)) });
    const kept = await masto.v2.media.create({ file: blob(await png(13, 13)) });
    await masto.v1.statuses.create({ status: "keeps one", mediaIds: [kept.id] });
    const fresh = await masto.v2.media.create({ file: blob(await png(14, 14)) });
    const old = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await ctx()
      .db.kysely.updateTable("media_attachments")
      .set({ created_at: old })
      .where("id", "in", [loose.id, kept.id])
      .execute();
    const files = countFiles(mediaDir());
    const removed = await removeUnattachedMedia(ctx());
    assert.ok(removed >= 1);
    assert.equal(countFiles(mediaDir()), files - 2 * removed, "the original and preview went");
    const left = await ctx()
      .db.kysely.selectFrom("media_attachments")
      .select("id")
      .where("id", "in", [loose.id, kept.id, fresh.id])
      .execute();
    assert.deepEqual(left.map((r) => r.id).sort(), [kept.id, fresh.id].sort());
    assert.equal((await fetch(loose.url!)).status, 404);
    assert.equal((await fetch(kept.url!)).status, 200);
  });

  it("takes avatars and headers through the same pipeline, and removes them", async () => {
    const size = async (url: string) => {
      const res = await fetch(url);
      assert.equal(res.status, 200, url);
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      assert.equal(meta.exif, undefined);
      return `${meta.width}x${meta.height}`;
    };
    const account = await masto.v1.accounts.updateCredentials({
      displayName: "Alice with a face",
      avatar: blob(await sidewaysJpegWithGps(900, 700), "image/jpeg"),
      header: blob(await png(3000, 1200), "image/png"),
    });
    assert.equal(account.displayName, "Alice with a face");
    assert.ok(account.avatar.startsWith(`${server().url}/system/media/`), account.avatar);
    assert.equal(await size(account.avatar), "400x400");
    assert.equal(await size(account.header), "1500x500");
    const oldAvatar = account.avatar;
    const replaced = await masto.v1.accounts.updateCredentials({
      avatar: blob(await png(500, 500), "image/png"),
    });
    assert.notEqual(replaced.avatar, oldAvatar);
    assert.equal((await fetch(oldAvatar)).status, 404, "the replaced file is gone");
    assert.equal(replaced.header, account.header, "the header stays");

    const files = countFiles(mediaDir());
    const refused = await uploadForm(
      `${server().url}/api/v1/accounts/update_credentials`,
      alice.token,
      {
        display_name: "Not saved",
        avatar: { data: Buffer.from("no image"), name: "a.png", type: "image/png" },
      },
      "PATCH",
    );
    assert.equal(refused.status, 422);
    assert.equal(countFiles(mediaDir()), files);
    const unchanged = await masto.v1.accounts.verifyCredentials();
    assert.equal(unchanged.displayName, "Alice with a face");
    assert.equal(unchanged.avatar, replaced.avatar);

    const removed = await api(server().url, "DELETE", "/api/v1/profile/avatar", {
      token: alice.token,
    });
    assert.equal(removed.status, 200);
    assert.equal(removed.json.avatar, `${server().url}/static/avatar.png`);
    assert.equal((await fetch(replaced.avatar)).status, 404);
    assert.equal(removed.json.header, account.header);
  });

  it("holds media for a scheduled status and posts it with it", async () => {
    const media = await masto.v2.media.create({
      file: blob(await png(20, 30)),
      description: "later",
    });
    const at = new Date(Date.now() + 3600_000).toISOString();
    const scheduled = await api(server().url, "POST", "/api/v1/statuses", {
      token: alice.token,
      body: { status: "", media_ids: [media.id], scheduled_at: at },
    });
    assert.equal(scheduled.status, 200, JSON.stringify(scheduled.json));
    assert.deepEqual(scheduled.json.params.media_ids, [media.id]);
    assert.equal(scheduled.json.media_attachments[0].description, "later");
    // Held: neither attachable elsewhere nor removed as unattached.
    const elsewhere = await api(server().url, "POST", "/api/v1/statuses", {
      token: alice.token,
      body: { status: "now", media_ids: [media.id] },
    });
    assert.equal(elsewhere.status, 422);
    await ctx()
      .db.kysely.updateTable("media_attachments")
      .set({ created_at: new Date(Date.now() - 3 * 86_400_000).toISOString() })
      .where("id", "=", media.id)
      .execute();
    await removeUnattachedMedia(ctx());
    const listed = await api(
      server().url,
      "GET",
      `/api/v1/scheduled_statuses/${scheduled.json.id}`,
      {
        token: alice.token,
      },
    );
    assert.equal(listed.json.media_attachments[0].id, media.id);
    // Its time comes: posted with the media.
    await ctx()
      .db.kysely.updateTable("scheduled_statuses")
      .set({ scheduled_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", scheduled.json.id)
      .execute();
    await publishScheduledStatusJob(ctx(), { scheduledStatusId: scheduled.json.id });
    const statuses = await api(
      server().url,
      "GET",
      `/api/v1/accounts/${alice.accountId}/statuses`,
      {
        token: alice.token,
      },
    );
    const posted = statuses.json.find(
      (s: { media_attachments: { id: string }[] }) => s.media_attachments[0]?.id === media.id,
    );
    assert.ok(posted, "the status was posted with its media");
  });

  it("filters timelines to statuses with media (only_media)", async () => {
    const media = await masto.v2.media.create({ file: blob(await png(15, 15)) });
    const withMedia = await masto.v1.statuses.create({ status: "pic", mediaIds: [media.id] });
    const without = await masto.v1.statuses.create({ status: "words only" });
    for (const path of [
      "/api/v1/timelines/public?only_media=true",
      `/api/v1/accounts/${alice.accountId}/statuses?only_media=true`,
    ]) {
      const res = await api(server().url, "GET", path, { token: alice.token });
      const ids = res.json.map((s: { id: string }) => s.id);
      assert.ok(ids.includes(withMedia.id), path);
      assert.ok(!ids.includes(without.id), path);
      assert.ok(
        res.json.every((s: { media_attachments: unknown[] }) => s.media_attachments.length > 0),
      );
    }
  });

  it("bounds the upload body before reading it", async () => {
    // A declared length over the upload bound is refused without reading the body.
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${server().url}/api/v2/media`);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: {
            Authorization: `Bearer ${alice.token}`,
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": String(200 * 1024 * 1024),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.write("--x\r\n");
    });
    assert.equal(status, 413);
    // Elsewhere the general limit still holds.
    const big = await api(server().url, "POST", "/api/v1/statuses", {
      token: alice.token,
      body: { status: "x".repeat(2 * 1024 * 1024) },
    });
    assert.equal(big.status, 413);
  });

  it("keeps media through delete and redraft", async () => {
    const media = await masto.v2.media.create({ file: blob(await png(16, 16)), description: "d" });
    const first = await masto.v1.statuses.create({ status: "draft one", mediaIds: [media.id] });
    const deleted = await api(server().url, "DELETE", `/api/v1/statuses/${first.id}`, {
      token: alice.token,
    });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.json.text, "draft one");
    assert.equal(deleted.json.media_attachments[0].id, media.id);
    const again = await masto.v1.statuses.create({ status: "draft two", mediaIds: [media.id] });
    assert.equal(again.mediaAttachments[0]?.description, "d");
  });

  it("stores video as uploaded, under the video size limit rather than the image one", async () => {
    // An MP4 header (ftyp isom) and 17 MB more: over the image limit, within video's.
    const ftyp = Buffer.from("00000018667479706973366d0000020069736f6d69736f32", "hex");
    ftyp.write("isom", 8);
    const mp4 = Buffer.concat([ftyp, Buffer.alloc(17 * 1024 * 1024)]);
    const res = await uploadForm(`${server().url}/api/v2/media`, alice.token, {
      file: { data: mp4, name: "clip.png", type: "image/png" },
      description: "a silent clip",
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.type, "video");
    assert.match(res.json.url, /\.mp4$/);
    assert.equal(res.json.preview_url, null, "no frame is extracted without a thumbnail");
    const served = await fetch(res.json.url, { headers: { Range: "bytes=-16" } });
    assert.equal(served.status, 206);
    assert.equal(served.headers.get("content-type"), "video/mp4");
    assert.equal(
      served.headers.get("content-range"),
      `bytes ${mp4.length - 16}-${mp4.length - 1}/${mp4.length}`,
    );
  });
});
