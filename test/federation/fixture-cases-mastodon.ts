// What each shared ActivityPub fixture of mastodon/ must give (its INDEX.md line, in Kith's
// terms) and how it is run: delivered to the inbox (activities, and bare objects wrapped in
// their author's Create), or fetched as a remote actor, status or collection. The other
// directories are in fixture-cases-fedi.ts and fixture-cases-others.ts; the runner is
// fixtures.test.ts, the building blocks are in test/helpers/fixture-scenes.ts.
import assert from "node:assert/strict";
import { parseNodeInfo } from "@fedify/fedify";
import { newId } from "../../src/db/ids.ts";
import { resolveActor } from "../../src/federation/remote/actors.ts";
import { lookAtCollection, syncFeatured } from "../../src/federation/remote/collections.ts";
import { webfingerUrl } from "../../src/federation/remote/webfinger.ts";
import type { FixtureHarness } from "../helpers/fixture-harness.ts";
import {
  actorCase,
  type FixtureCase,
  fetchRawActor,
  reportedOnce,
  resolves,
  serveNote,
  wrapCase,
  wrapNote,
} from "../helpers/fixture-scenes.ts";

const MASTODON_LOCAL: [string, string] = ["http://localtesting.pleroma.lol", "{kith}"];
const LAIN_STATUS = "{kith}/objects/eb92579d-3417-42a8-8652-2492c2d4f454";
const kith = (h: FixtureHarness, uri: string) => uri.replace("{kith}", h.origin);

export const MASTODON_CASES: FixtureCase[] = [
  {
    file: "mastodon/create-note-public.json",
    expect: "stored",
    rewrites: [MASTODON_LOCAL],
    check: async (h, json) => {
      const status = await h.statusByUri(json.object.id);
      assert.equal(status?.visibility, "public");
      assert.equal(await h.count("notifications"), 1, "lain is told of the mention");
    },
  },
  {
    file: "mastodon/create-note-hashtag.json",
    expect: "stored",
    rewrites: [MASTODON_LOCAL],
    check: async (h) => {
      const tags = await h.kith.db.kysely.selectFrom("tags").select("name").execute();
      assert.deepEqual(
        tags.map((t) => t.name.toLowerCase()),
        ["moo"],
      );
      assert.equal(await h.count("status_tags"), 1);
    },
  },
  {
    file: "mastodon/create-note-sensitive-cw.json",
    expect: "stored",
    rewrites: [MASTODON_LOCAL],
    check: async (h, json) => {
      const status = await h.statusByUri(json.object.id);
      assert.equal(status?.spoiler_text, "cw");
      assert.equal(status?.sensitive, 1);
    },
  },
  {
    file: "mastodon/create-note-contentmap.json",
    expect: "stored",
    rewrites: [MASTODON_LOCAL],
    check: async (h, json) => {
      const status = await h.statusByUri(json.object.id);
      assert.equal(status?.language, "en");
      assert.match(status?.content ?? "", /lain/);
    },
  },
  {
    file: "mastodon/create-note-with-attachment.json",
    expect: "stored",
    check: async (h, json) => {
      // The attachment is a media row linking to the original, not a link in the text.
      const status = await h.statusByUri(json.object.id);
      assert.ok(status);
      assert.doesNotMatch(status.content, /334ce029e7bfb920\.jpg/);
      const media = await h.kith.db.kysely
        .selectFrom("media_attachments")
        .selectAll()
        .where("status_id", "=", status.id)
        .execute();
      assert.equal(media.length, 1);
      assert.equal(media[0]?.type, "image");
      assert.equal(media[0]?.remote_url, json.object.attachment[0].url);
      assert.equal(media[0]?.description, null);
    },
  },
  {
    file: "mastodon/create-question-poll.json",
    expect: "stored",
    check: async (h, json) => {
      const status = await h.statusByUri(json.object.id);
      assert.ok(status);
      const poll = await h.kith.db.kysely
        .selectFrom("polls")
        .selectAll()
        .where("status_id", "=", status.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(poll.options), [
        "Dunno",
        "Everyone knows that!",
        "25 char limit is dumb",
        "I can't even fit a funny",
      ]);
      assert.deepEqual(JSON.parse(poll.cached_tallies), [0, 1, 0, 1]);
      assert.equal(poll.votes_count, 2);
      assert.equal(poll.multiple, 0);
      assert.equal(poll.expires_at, "2019-05-11T09:03:36.000Z");
      // The options are the poll's, no longer listed in the text.
      assert.doesNotMatch(status.content, /Dunno/);
    },
  },
  // A vote in a poll on another server: that server counts it.
  { file: "mastodon/create-poll-vote.json", expect: "ignored", reason: /poll not hosted here/ },
  {
    file: "mastodon/like.json",
    expect: "stored",
    rewrites: [MASTODON_LOCAL],
    setup: async (h) => void (await h.localStatus(kith(h, LAIN_STATUS))),
    check: async (h) => {
      const status = await h.statusByUri(kith(h, LAIN_STATUS));
      assert.equal(status?.favourites_count, 1);
      assert.equal(await h.count("notifications"), 1);
    },
  },
  ...["mastodon/undo-like.json", "mastodon/undo-like-object-by-id.json"].map(
    (file): FixtureCase => ({
      file,
      expect: "stored",
      reason: /favourite undone/,
      rewrites: [MASTODON_LOCAL],
      setup: async (h) => {
        await h.localStatus(kith(h, LAIN_STATUS));
        assert.equal((await h.deliver(await h.json("mastodon/like.json"))).result, "stored");
      },
      check: async (h) =>
        assert.equal((await h.statusByUri(kith(h, LAIN_STATUS)))?.favourites_count, 0),
    }),
  ),
  {
    file: "mastodon/announce.json",
    expect: "stored",
    // The object is the status's web page URL: dereferenced to the Note at its id.
    setup: (h) =>
      serveNote(
        h,
        "http://mastodon.example.org/users/admin/statuses/99541947525187367",
        "http://mastodon.example.org/users/admin",
        {},
        "http://mastodon.example.org/@admin/99541947525187367",
      ),
    check: async (h) => {
      const original = await h.statusByUri(
        "http://mastodon.example.org/users/admin/statuses/99541947525187367",
      );
      assert.equal(original?.reblogs_count, 1);
    },
  },
  {
    file: "mastodon/undo-announce.json",
    expect: "stored",
    reason: /reblog undone/,
    setup: async (h) => {
      await serveNote(
        h,
        "http://mastodon.example.org/users/admin/statuses/99541947525187367",
        "http://mastodon.example.org/users/admin",
        {},
        "http://mastodon.example.org/@admin/99541947525187367",
      );
      await h.followed("http://mastodon.example.org/users/admin");
      assert.equal((await h.deliver(await h.json("mastodon/announce.json"))).result, "stored");
    },
  },
  {
    file: "mastodon/follow.json",
    expect: "stored",
    reason: /following/,
    rewrites: [MASTODON_LOCAL],
    related: false,
  },
  {
    file: "mastodon/undo-follow.json",
    expect: "stored",
    reason: /follow undone/,
    rewrites: [MASTODON_LOCAL],
    related: false,
    setup: async (h) =>
      assert.equal((await h.deliver(await h.json("mastodon/follow.json"))).result, "stored"),
  },
  ...["mastodon/accept-follow.json", "mastodon/reject-follow.json"].map(
    (file): FixtureCase => ({
      file,
      expect: "stored",
      reason: file.includes("accept") ? /follow accepted/ : /follow rejected/,
      rewrites: [MASTODON_LOCAL],
      related: false,
      setup: async (h, json) => {
        // lain asked to follow admin with the Follow the answer embeds.
        const lain = await h.local("lain");
        await h.actor(json.actor);
        const admin = await resolveActor(h.env, json.actor);
        await h.kith.db.kysely
          .insertInto("follow_requests")
          .values({
            id: newId(),
            account_id: lain,
            target_account_id: admin.id,
            uri: json.object.id,
            languages: null,
            created_at: new Date().toISOString(),
          })
          .execute();
      },
      check: async (h) => assert.equal(await h.count("follows"), file.includes("accept") ? 1 : 0),
    }),
  ),
  {
    file: "mastodon/block.json",
    expect: "stored",
    rewrites: [MASTODON_LOCAL],
    related: false,
    check: async (h) => assert.equal(await h.count("blocks"), 1),
  },
  ...[
    ["mastodon/delete-note-tombstone.json", "http://mastodon.example.org/users/gargron"],
    ["mastodon/delete-with-ld-signature.json", "https://mastodon.madrid/users/felix"],
  ].map(
    ([file, author]): FixtureCase => ({
      file: file!,
      expect: "stored",
      reason: /status deleted/,
      setup: async (h, json) => {
        await serveNote(h, json.object.id, author!);
        await h.followed(author!);
        assert.equal((await h.deliver(wrapNote(json.object.id, author!))).result, "stored");
      },
      check: async (h, json) => {
        assert.equal(await h.statusByUri(json.object.id), undefined);
        assert.equal(await h.count("tombstones"), 1);
      },
    }),
  ),
  {
    file: "mastodon/delete-actor.json",
    expect: "stored",
    reason: /account and its content deleted/,
    check: async (h, json) => assert.equal(await h.accountByUri(json.actor), undefined),
  },
  {
    file: "mastodon/update-person.json",
    expect: "stored",
    reason: /profile refreshed/,
    // The profile is refetched from the actor's server, which now serves the new version.
    setup: async (h, json) => {
      await h.followed(json.actor);
      const { publicKey: _, ...person } = json.object;
      await h.actor(json.actor, { ...person, "@context": json["@context"] });
    },
    check: async (h, json) => {
      const account = await h.accountByUri(json.actor);
      assert.equal(account?.display_name, "gargle");
      assert.ok(JSON.parse(account?.fields ?? "[]").length > 0);
    },
  },
  {
    file: "mastodon/flag-from-instance-actor.json",
    expect: "stored",
    reason: /report/,
    rewrites: [["https://example.com/users/", "{kith}/users/"]],
    related: false,
    // The two posts are unknown here: skipped, the report kept.
    check: (h, json) => reportedOnce(h, json, "1", 0),
  },
  {
    file: "mastodon/nodeinfo-2.0.json",
    expect: "stored",
    run: async (_h, json) => {
      const info = parseNodeInfo(json);
      return info?.software.name === "mastodon"
        ? { result: "stored", reason: `${info.software.name} ${info.software.version}` }
        : { result: "refused", reason: "not NodeInfo" };
    },
  },
  actorCase("mastodon/actor-with-fields-and-featured-tags.json", async (h, json) => {
    const account = await h.accountByUri(json.id);
    assert.equal(JSON.parse(account?.fields ?? "[]").length, 4);
  }),
  wrapCase("mastodon/note-with-hashtags-and-media.json", async (h) =>
    assert.ok((await h.count("status_tags")) > 0),
  ),
  {
    file: "mastodon/followers-collection-hidden.json",
    expect: "stored",
    run: async (h, json) => {
      await h.serve(json);
      const look = await lookAtCollection(h.env, json.id);
      assert.deepEqual(look.items, []);
      return { result: look.total === 437 ? "stored" : "refused", reason: `total ${look.total}` };
    },
  },
  {
    file: "mastodon/http-actor-response.txt",
    expect: "stored",
    run: (h) => fetchRawActor(h, "mastodon/http-actor-response.txt"),
  },
  {
    file: "mastodon/http-actor-type-array.txt",
    expect: "stored",
    run: (h) => fetchRawActor(h, "mastodon/http-actor-type-array.txt"),
  },
  {
    file: "mastodon/http-webfinger-response.txt",
    expect: "stored",
    run: async (h) => {
      h.fake.serveRaw(
        webfingerUrl("https://ap.example.com", "acct:foo@ap.example.com"),
        h.text("mastodon/http-webfinger-response.txt"),
      );
      return resolves(h, "foo@ap.example.com");
    },
  },
  {
    file: "mastodon/http-webfinger-noncanonical-subject.txt",
    expect: "stored",
    run: async (h) => {
      const raw = h.text("mastodon/http-webfinger-noncanonical-subject.txt");
      h.fake.serveRaw(webfingerUrl("https://ap.example.com", "acct:foo@ap.example.com"), raw);
      // The subject's own host confirms the same actor.
      h.fake.serveRaw(webfingerUrl("https://ap2.example.com", "acct:foo@ap2.example.com"), raw);
      return resolves(h, "foo@ap.example.com");
    },
  },
  {
    file: "mastodon/http-host-meta-split-domain.txt",
    expect: "stored",
    run: async (h) => {
      h.fake.serveRaw(
        "https://localdomain.com/.well-known/host-meta",
        h.text("mastodon/http-host-meta-split-domain.txt"),
      );
      const jrd = {
        subject: "acct:foo@localdomain.com",
        links: [
          {
            rel: "self",
            type: "application/activity+json",
            href: "https://webdomain.com/users/foo",
          },
        ],
      };
      h.fake.serve(
        `https://webdomain.com/.well-known/webfinger?resource=${encodeURIComponent("acct:foo@localdomain.com")}`,
        jrd,
        { contentType: "application/jrd+json" },
      );
      const outcome = await resolves(h, "foo@localdomain.com");
      assert.ok(
        h.fake.requested.some((u) => u.startsWith("https://webdomain.com/.well-known/webfinger")),
      );
      return outcome;
    },
  },
  {
    file: "mastodon/http-webfinger-xrd-split-domain.txt",
    expect: "refused",
    // XRD is read, but its self link has no ActivityPub type: not trusted.
    reason: /no ActivityPub actor/,
    run: async (h) => {
      h.fake.serveRaw(
        webfingerUrl("https://localdomain.com", "acct:foo@localdomain.com"),
        h.text("mastodon/http-webfinger-xrd-split-domain.txt"),
      );
      return resolves(h, "foo@localdomain.com");
    },
  },
  actorCase("mastodon/actor-person-2023.json"),
  {
    file: "mastodon/create-note-reply.json",
    expect: "stored",
    check: async (h, json) => {
      const status = await h.statusByUri(json.object.id);
      assert.equal(status?.visibility, "unlisted");
      assert.equal(status?.in_reply_to_uri, json.object.inReplyTo);
    },
  },
  {
    file: "mastodon/note-direct-message.json",
    mode: "wrap",
    expect: "stored",
    rewrites: [["https://ds9.lemmy.ml/u/", "{kith}/users/"]],
    related: false,
    check: async (h, json) => {
      assert.equal((await h.statusByUri(json.id))?.visibility, "direct");
      assert.equal(await h.count("notifications"), 1);
    },
  },
  {
    file: "mastodon/featured-collection.json",
    expect: "stored",
    run: async (h, json) => {
      await h.serve(json);
      await h.actor("https://mastodon.social/users/LemmyDev", { featured: json.id });
      const account = await resolveActor(h.env, "https://mastodon.social/users/LemmyDev");
      const pinned = await syncFeatured(h.env, account);
      return { result: pinned === 1 ? "stored" : "refused", reason: `${pinned} pinned` };
    },
  },
];
